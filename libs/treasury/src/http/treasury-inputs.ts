import { z } from 'zod';
import type { Principal } from '@strongroom/api-auth';
import { decodeCursor, Int8Position, pageQuery } from '@strongroom/shared-http';

/** Query strings and path parameters of the treasury API; unknown fields are refused everywhere. */
export const policyParams = z.strictObject({
  asset: z.string().meta({ description: 'Asset code (BTC, ETH, USDC…).' }),
  clientId: z.string().meta({ description: 'A registered client’s id, or `operator` for the operator’s pool.' }),
});
export const byRebalance = z.strictObject({ id: z.string().min(1).max(100) });
export const noQuery = z.strictObject({});
export const rebalanceQuery = z.strictObject({
  ...pageQuery,
  status: z
    .enum(['planned', 'pending_approval', 'approved', 'cancelled', 'open'])
    .optional()
    .meta({ description: '`open` = planned or pending approval (what waits); absent = every rebalance, history too.' }),
});
export const noBody = z.strictObject({}).optional();

const SeqPosition = z.strictObject({ seq: Int8Position });
export const beforeSeq = (cursor: string | undefined): string | undefined =>
  cursor === undefined ? undefined : decodeCursor(SeqPosition, cursor).seq;

/** The owners a key may see: all for a key scoped to every client, else its own clients (never the operator's). */
export const ownersOf = (who: Principal): readonly string[] | undefined =>
  who.clients === 'all' ? undefined : who.clients;
