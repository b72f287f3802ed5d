import type { Database } from '@strongroom/persistence';
import { LedgerSequencer, SEQUENCE_AT } from './sequencer';

export interface CutBalance {
  clientId: string;
  userId: string;
  asset: string;
  balance: bigint;
}

export interface CutHouseAccount {
  accountId: string;
  clientId: string;
  ownerId: string;
  asset: string;
  kind: string;
  netDebit: bigint;
}

/**
 * Consistent cuts of the ledger for compliance (snapshots, reconciliation). The sequence is
 * stamped in commit order and only ever extended, so "as of S" never changes once S has been
 * read: a cut can be read in short pages without a long transaction and without blocking
 * writers, and gives the same result as one repeatable-read pass. Transfers the sequencer has not
 * stamped yet are later than every sequence. Balances are posted credits − posted debits.
 */
export class LedgerCutReader {
  constructor(private readonly db: Database) {}

  /** The last stamped sequence, after a round that stamps everything committed before the call. */
  async currentSequence(): Promise<bigint> {
    await LedgerSequencer.of(this.db).settle();
    const [r] = await this.db.query<{ last: string }>('SELECT last FROM ledger.sequencer WHERE id = 1');
    return BigInt(r.last);
  }

  async sequenceAt(time: Date): Promise<bigint> {
    const rows = await this.db.query<{ sequence: string }>(SEQUENCE_AT, [time.toISOString()]);
    return rows.length ? BigInt(rows[0].sequence) : 0n;
  }

  async userBalancesAsOf(
    sequence: bigint,
    afterAccountId: string | null,
    limit: number,
  ): Promise<{ rows: CutBalance[]; next: string | null }> {
    const accounts = await this.db.query<{
      id: string;
      client_id: string;
      owner_id: string;
      asset: string;
      cq: string;
      dq: string;
    }>(
      `SELECT a.id, a.client_id, a.owner_id, a.asset,
              s.credits_posted AS cq, s.debits_posted AS dq
         FROM ledger.accounts a CROSS JOIN LATERAL ledger.sums_as_of(a.id, $1::bigint) s
        WHERE a.kind = 'user' AND ($2::uuid IS NULL OR a.id > $2::uuid)
        ORDER BY a.id LIMIT $3`,
      [sequence.toString(), afterAccountId, limit],
    );
    const rows = accounts
      .map((a) => ({ clientId: a.client_id, userId: a.owner_id, asset: a.asset, balance: BigInt(a.cq) - BigInt(a.dq) }))
      .filter((r) => r.balance !== 0n);
    return { rows, next: accounts.length < limit ? null : accounts[accounts.length - 1].id };
  }

  async balancesOfUser(clientId: string, userId: string, sequence: bigint): Promise<CutBalance[]> {
    const rows = await this.db.query<{ asset: string; cq: string; dq: string }>(
      `SELECT a.asset,
              s.credits_posted AS cq, s.debits_posted AS dq
         FROM ledger.accounts a CROSS JOIN LATERAL ledger.sums_as_of(a.id, $3::bigint) s
        WHERE a.kind = 'user' AND a.client_id = $1 AND a.owner_id = $2 ORDER BY a.asset`,
      [clientId, userId, sequence.toString()],
    );
    return rows.map((r) => ({ clientId, userId, asset: r.asset, balance: BigInt(r.cq) - BigInt(r.dq) }));
  }

  async houseAccountsAsOf(sequence: bigint): Promise<CutHouseAccount[]> {
    const rows = await this.db.query<{
      id: string;
      client_id: string;
      owner_id: string;
      asset: string;
      kind: string;
      cq: string;
      dq: string;
    }>(
      `SELECT a.id, a.client_id, a.owner_id, a.asset, a.kind,
              s.credits_posted AS cq, s.debits_posted AS dq
         FROM ledger.accounts a CROSS JOIN LATERAL ledger.sums_as_of(a.id, $1::bigint) s
        WHERE a.kind <> 'user' ORDER BY a.id`,
      [sequence.toString()],
    );
    return rows.map((r) => ({
      accountId: r.id,
      clientId: r.client_id,
      ownerId: r.owner_id,
      asset: r.asset,
      kind: r.kind,
      netDebit: BigInt(r.dq) - BigInt(r.cq),
    }));
  }
}
