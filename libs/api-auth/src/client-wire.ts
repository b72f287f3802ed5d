import { z } from 'zod';
import { Timestamp } from '@strongroom/shared-http';
import { CLIENT_CUSTODY, CLIENT_STATUS, type ClientCustody, type ClientStatus } from './clients/clients';

export const ClientCustodyWire = z
  .enum(CLIENT_CUSTODY as [ClientCustody, ...ClientCustody[]])
  .meta({ id: 'ClientCustody', description: '`segregated`: wallets of its own; `pooled`: the operator’s.' });
export const ClientStatusWire = z.enum(CLIENT_STATUS as [ClientStatus, ...ClientStatus[]]).meta({ id: 'ClientStatus' });

/** A client of the custody service as the API answers it. */
export const ClientWire = z
  .object({
    id: z.string().meta({ example: 'acme' }),
    name: z.string(),
    custody: ClientCustodyWire,
    status: ClientStatusWire,
    createdAt: Timestamp,
  })
  .meta({ id: 'Client' });
