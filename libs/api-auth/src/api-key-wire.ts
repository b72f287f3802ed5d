import { z } from 'zod';
import { Timestamp } from '@strongroom/shared-http';
import { ROLES, type Role } from '@strongroom/shared-types';

export const RoleWire = z.enum(ROLES as [Role, ...Role[]]).meta({ id: 'Role' });

export const ClientScopeWire = z
  .union([z.literal('all'), z.array(z.string())])
  .meta({ id: 'ClientScope', description: 'The client ids the key may act for or read, or `all`.' });

const keyFields = {
  keyId: z.string().meta({ example: 'srk_0123456789abcdef01234567' }),
  name: z.string(),
  role: RoleWire,
  owner: z.string().meta({ description: 'The accountable person or team.' }),
  clients: ClientScopeWire,
};

/** An API key as listed: never its secret nor its verifier. */
export const ApiKeyWire = z
  .object({ ...keyFields, createdAt: Timestamp, revokedAt: Timestamp.nullable() })
  .meta({ id: 'ApiKey' });

/** A key minted by one admin: the only answer that ever carries its secret. */
export const CreatedApiKeyWire = z
  .object({ ...keyFields, secret: z.string().meta({ description: 'Shown here only; not stored.' }) })
  .meta({ id: 'CreatedApiKey' });
