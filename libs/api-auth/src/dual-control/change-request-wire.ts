import { z } from 'zod';
import { Timestamp } from '@strongroom/shared-http';
import type { ChangeStatus } from './change-handler';

export const CHANGE_STATUSES: readonly ChangeStatus[] = ['pending', 'executed', 'rejected', 'failed'];

const Person = z.object({ keyId: z.string(), owner: z.string() });

/**
 * A dual-control change as the API answers it (`ChangeRequestView`): the 202 of every route that
 * proposes one, and the answer of `/v1/changes`. Payload and result are the change kind's own.
 */
export const ChangeRequestWire = z
  .object({
    id: z.string(),
    api: z.string().meta({ description: 'The API that recorded the change, and the only one that executes it.' }),
    kind: z.string().meta({ example: 'auth.client' }),
    status: z.enum(CHANGE_STATUSES as [ChangeStatus, ...ChangeStatus[]]).meta({ id: 'ChangeStatus' }),
    payload: z.unknown().meta({ description: 'What the maker proposed, as the change kind defines it.' }),
    maker: Person,
    checker: Person.nullable(),
    result: z.unknown().meta({
      description:
        'What executing the change returned (null until executed; the error code and detail when it failed). ' +
        'The approve answer carries it whole: a minted key’s secret is in it once, and never stored.',
    }),
    reason: z.string().nullable().meta({ description: 'Why it was rejected, or the refusal when it failed.' }),
    createdAt: Timestamp,
    decidedAt: Timestamp.nullable(),
  })
  .meta({ id: 'ChangeRequest' });
