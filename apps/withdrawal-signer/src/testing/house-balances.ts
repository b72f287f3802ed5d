// Test fixture: the operator's house accounts of one asset, read straight from the ledger tables.
import type { Database } from '@strongroom/persistence';

/** Posted and pending nets (debits − credits) of one house account kind. */
export interface HouseNet {
  posted: bigint;
  pending: bigint;
}

/**
 * Per `kind` (custody, in_flight, fee_expense, fee_revenue, equity…) of the operator's accounts
 * of `asset`, the nets summed over owners; `equity` can be narrowed by an owner prefix (the
 * relayer's gas budget is `relayer-gas:<wallet>`). Kinds with no account read as zero.
 */
export async function houseNets(
  db: Database,
  asset: string,
): Promise<(kind: string, ownerPrefix?: string) => HouseNet> {
  const rows = await db.query<{ kind: string; owner_id: string; posted: string; pending: string }>(
    `SELECT kind, owner_id, (debits_posted - credits_posted)::text AS posted, (debits_pending - credits_pending)::text AS pending
       FROM ledger.accounts WHERE asset = $1 AND client_id = 'operator'`,
    [asset],
  );
  return (kind, ownerPrefix = '') => {
    const hits = rows.filter((r) => r.kind === kind && r.owner_id.startsWith(ownerPrefix));
    return {
      posted: hits.reduce((s, r) => s + BigInt(r.posted), 0n),
      pending: hits.reduce((s, r) => s + BigInt(r.pending), 0n),
    };
  };
}
