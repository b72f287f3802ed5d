import type { AuditLog } from '@strongroom/audit';
import type { BlockRef, ChainAdapter } from '@strongroom/chains-core';
import type { Database, Tx } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';
import { depositId } from '../deposits.types';

/** What the check needs of a chain: where a transaction is (mempool, a block, or nowhere), and the tip. */
export type TxPresencePort = Pick<ChainAdapter, 'status' | 'tip' | 'network'>;

export interface VanishOptions {
  /** A `seen` deposit whose transaction has been missing this long is dropped. */
  dropAfterMs: number;
  /** A `seen` deposit is first checked at this age, then re-checked at this interval. */
  checkEveryMs: number;
  /** At most this many transactions looked up per follower step (keeps a round cheap and bounded). */
  maxChecks: number;
}

/** Networks whose nodes are ours and lose transactions often (dev nodes flush their mempools). */
const DEV_NETWORKS = new Set(['regtest', 'anvil', 'devnet', 'localhost', 'scripted']);

/** 24 h on real networks (a node may lose a low-fee transaction that another still mines), 10 min on dev chains. */
export function vanishOptionsFor(network: string, given: Partial<VanishOptions> = {}): VanishOptions {
  const dropAfterMs = given.dropAfterMs ?? (DEV_NETWORKS.has(network) ? 10 * 60_000 : 24 * 3_600_000);
  return {
    dropAfterMs,
    checkEveryMs: given.checkEveryMs ?? Math.max(1_000, Math.floor(dropAfterMs / 24)),
    maxChecks: given.maxChecks ?? 5,
  };
}

type Verdict = 'present' | 'gone' | 'unknowable';

interface Candidate {
  seq: string;
  txid: string;
  output_index: string;
  address: string;
  client_id: string;
  user_id: string;
  asset: string;
  amount: string;
  first_seen_at: string;
  missing_since: string | null;
}

export interface VanishRound {
  checked: number;
  missing: number;
  dropped: Candidate[];
}

/** The state change itself, done by the deposit book (state, event) in the caller's transaction. */
export type DropVanished = (tx: Tx, seq: string, missingSince: Date) => Promise<void>;

/**
 * Resolves deposits that were seen in a mempool and then vanished: neither in the node's mempool
 * nor on chain. Runs when the follower is caught up (cursor = tip), so a seen deposit that was
 * mined would already be `confirming`; each round looks up a few of the least recently checked
 * `seen` deposits through `status(txid)`. Missing ones get `missing_since`; found again, it is
 * cleared; missing for `dropAfterMs` → `dropped` (reason `vanished`, never credited), with
 * `deposit.dropped` and an audit record. A verdict is trusted only if the tip did not move
 * while checking (a node without a transaction index cannot find a mined transaction it was not
 * told about, so a block arriving mid-round could make a mined deposit look gone), and an error
 * from the node never counts as gone.
 */
export class VanishedDeposits {
  constructor(
    private readonly db: Database,
    private readonly chain: ChainId,
    private readonly port: TxPresencePort,
    private readonly options: VanishOptions,
    private readonly clock: () => Date,
    private readonly drop: DropVanished,
    private readonly audit?: Pick<AuditLog, 'append'>,
  ) {}

  /** One bounded round at `cursor`; `hold` re-checks the cursor inside the transaction. */
  async round(
    cursor: BlockRef | { height: number; hash: string },
    hold: (tx: Tx) => Promise<void>,
  ): Promise<VanishRound> {
    const now = this.clock();
    const due = new Date(now.getTime() - this.options.checkEveryMs);
    const candidates = await this.db.query<Candidate>(
      `SELECT seq, txid, output_index, address, client_id, user_id, asset, amount, first_seen_at, missing_since
         FROM deposits.deposits
        WHERE chain = $1 AND state = 'seen' AND COALESCE(checked_at, first_seen_at) <= $2
        ORDER BY checked_at NULLS FIRST, seq LIMIT $3`,
      [this.chain, due, this.options.maxChecks],
    );
    if (candidates.length === 0) return { checked: 0, missing: 0, dropped: [] };
    const verdicts = new Map<string, Verdict>();
    for (const c of candidates) verdicts.set(c.txid, verdicts.get(c.txid) ?? (await this.look(c.txid)));
    const tip = await this.port.tip().catch(() => undefined);
    const stable = tip !== undefined && tip.height === cursor.height && tip.hash === cursor.hash;
    return this.db.transaction(async (tx) => {
      await hold(tx);
      const result: VanishRound = { checked: 0, missing: 0, dropped: [] };
      for (const c of candidates) {
        let verdict = verdicts.get(c.txid) ?? 'unknowable';
        if (verdict === 'gone' && !stable) verdict = 'unknowable';
        const applied = await this.apply(tx, c, verdict, now);
        if (applied === 'skipped') continue;
        result.checked++;
        if (applied === 'missing') result.missing++;
        if (applied === 'dropped') result.dropped.push(c);
      }
      for (const d of result.dropped) await this.record(tx, d, now);
      return result;
    });
  }

  private async look(txid: string): Promise<Verdict> {
    try {
      const s = await this.port.status(txid);
      return s.state === 'unknown' ? 'gone' : 'present';
    } catch {
      return 'unknowable';
    }
  }

  private async apply(
    tx: Tx,
    c: Candidate,
    verdict: Verdict,
    now: Date,
  ): Promise<'skipped' | Verdict | 'missing' | 'dropped'> {
    const [row] = await tx.query<{ missing_since: string | null }>(
      `SELECT missing_since FROM deposits.deposits WHERE seq = $1 AND state = 'seen' FOR UPDATE`,
      [c.seq],
    );
    if (!row) return 'skipped'; // confirmed, or otherwise moved on meanwhile
    if (verdict !== 'gone') {
      // Present: the clock of its absence restarts. Unknowable: nothing learnt, only its turn is used up.
      await tx.query(
        `UPDATE deposits.deposits SET checked_at = $2${verdict === 'present' ? ', missing_since = NULL' : ''} WHERE seq = $1`,
        [c.seq, now],
      );
      return verdict;
    }
    const since = row.missing_since ? new Date(row.missing_since) : now;
    if (now.getTime() - since.getTime() < this.options.dropAfterMs) {
      await tx.query('UPDATE deposits.deposits SET checked_at = $2, missing_since = $3 WHERE seq = $1', [
        c.seq,
        now,
        since,
      ]);
      return 'missing';
    }
    await tx.query('UPDATE deposits.deposits SET checked_at = $2 WHERE seq = $1', [c.seq, now]);
    await this.drop(tx, c.seq, since);
    c.missing_since = since.toISOString();
    return 'dropped';
  }

  private async record(tx: Tx, d: Candidate, now: Date): Promise<void> {
    await this.audit?.append(tx, {
      actor: { id: `follower:${this.chain}`, role: 'system' },
      action: 'deposit.dropped',
      subject: { type: 'deposit', id: depositId(this.chain, d.txid, d.output_index) },
      payload: {
        reason: 'vanished',
        amount: d.amount,
        asset: d.asset,
        firstSeenAt: new Date(d.first_seen_at).toISOString(),
        missingSince: d.missing_since,
        droppedAt: now.toISOString(),
      },
    });
  }
}
