import { z } from 'zod';
import { assertClientScope, requireClient, type Principal } from '@strongroom/api-auth';
import type { Database } from '@strongroom/persistence';
import { HttpErrors, Int8Position, pageQuery } from '@strongroom/shared-http';
import { CHAIN_IDS, domainError } from '@strongroom/shared-types';
import { ID_PATTERN } from '../deposit-tag';
import { DEPOSIT_STATES, OPERATOR_CLIENT } from '../deposits.types';

// The inputs of the deposit API (bodies, queries, cursors) and who may read which client.

const id = z.string().regex(ID_PATTERN, 'must be 1-64 of [A-Za-z0-9._-]');
const asset = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,15}$/, 'must be an asset code such as BTC')
  .meta({ description: 'Asset code (BTC, ETH, USDC…).' });
const chain = z.enum(CHAIN_IDS as [string, ...string[]]);

// "operator" is the house's own namespace, never a client's (refused before any scope check).
const clientId = id.refine((v) => v !== OPERATOR_CLIENT, 'must not be "operator" (reserved)');
export const issueBody = z.strictObject({
  clientId,
  userId: id,
  asset,
  fresh: z.boolean().optional().meta({ description: 'Ask for a new address (the next index).' }),
});
export const addressQuery = z.strictObject({
  clientId: id,
  userId: id.optional(),
  asset: asset.optional(),
  ...pageQuery,
});
export const depositQuery = z.strictObject({
  clientId: id.optional(),
  userId: id.optional(),
  asset: asset.optional(),
  chain: chain.optional(),
  state: z.enum(DEPOSIT_STATES as [string, ...string[]]).optional(),
  txid: z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]{64}$/)
    .optional(),
  ...pageQuery,
});
export const incidentQuery = z.strictObject({
  clientId: id.optional(),
  chain: chain.optional(),
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({ description: '`true`: unresolved incidents only; `false`: resolved ones only.' }),
  ...pageQuery,
});
export const custodyWalletQuery = z.strictObject(pageQuery);
export const byDepositId = z.object({
  id: z.string().meta({ description: '`<chain>:<txid>:<index>`.', example: 'bitcoin:<txid>:0' }),
});

/** Where a page of addresses, deposits or incidents ends: the last item's sequence number. */
export const SeqCursor = z.object({ seq: Int8Position });
export const WalletCursor = z.object({ id: z.string().min(1).max(200) });

/**
 * Reads are client-scoped: a key sees the clients it is scoped to, and a key scoped to one client
 * reads that client when none is named. A key scoped to several must name one (a page mixing
 * clients is not offered); an unknown client is 404, not an empty page. Returns the client to read.
 */
export async function readableClient(
  db: Database,
  who: Principal,
  clientId: string | undefined,
): Promise<string | undefined> {
  if (clientId === undefined) {
    if (who.clients === 'all') return undefined;
    if (who.clients.length === 1) return who.clients[0];
    throw domainError(
      HttpErrors['request.invalid'],
      'clientId is required: this API key is scoped to several clients',
      {
        field: 'clientId',
      },
    );
  }
  assertClientScope(who, clientId);
  await requireClient(db, clientId);
  return clientId;
}
