import type { Tx } from '@strongroom/persistence';
import type { AssetCode } from '@strongroom/shared-types';

type Q = Pick<Tx, 'query'>;

/*
 * Read-only aggregates of the ledger for the solvency gate. The ledger's published API has no
 * per-asset totals (a snapshot pages through every user), and the gate must be cheap enough to
 * run before every batch, so this reads the maintained balance columns of `ledger.accounts` and
 * the pending states directly — reading only, never writing, the one place this context does.
 */

/** Liabilities (users + in_flight, posted credit balance) and custody (posted debit balance) of one asset. */
export async function ledgerTotals(q: Q, asset: AssetCode): Promise<{ liabilities: bigint; custody: bigint }> {
  const rows = await q.query<{ kind: string; net: string }>(
    `SELECT kind, COALESCE(SUM(credits_posted - debits_posted), 0)::text AS net
       FROM ledger.accounts WHERE asset = $1 AND kind IN ('user', 'in_flight', 'custody') GROUP BY kind`,
    [asset],
  );
  const net = (k: string) => BigInt(rows.find((r) => r.kind === k)?.net ?? '0');
  return { liabilities: net('user') + net('in_flight'), custody: -net('custody') };
}

export interface HoldReading {
  id: string;
  amount: bigint;
  debitAccountId: string;
  state: string | null;
}

/** The hold transfers by id, with their pending state (absent ids are simply missing). */
export async function holdReadings(q: Q, ids: string[]): Promise<Map<string, HoldReading>> {
  const rows = await q.query<{ id: string; amount: string; debit_account_id: string; state: string | null }>(
    `SELECT t.id, t.amount::text AS amount, t.debit_account_id::text AS debit_account_id, p.state
       FROM ledger.transfers t LEFT JOIN ledger.pending_states p ON p.pending_id = t.id
      WHERE t.id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    [JSON.stringify(ids)],
  );
  return new Map(
    rows.map((r) => [r.id, { id: r.id, amount: BigInt(r.amount), debitAccountId: r.debit_account_id, state: r.state }]),
  );
}
