import { randomUUID } from 'node:crypto';
import type { AuditLog } from '@strongroom/audit';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { domainError } from '@strongroom/shared-types';
import { ComplianceErrors } from '../compliance.errors';
import type { BalanceKey, ChainTip, ChainTips, LedgerCut, UserBalance } from '../ports';
import type { PriceSet, PriceSource } from '../prices/price-source';
import { sumDecimals, valueOf } from '../prices/value-of';
import { SnapshotHasher } from './snapshot-hash';

export interface AssetTotal {
  asset: string;
  balance: string;
  value: string | null;
  users: number;
}

export interface Snapshot {
  id: string;
  status: 'running' | 'complete' | 'failed';
  sequence: string;
  takenAt: string;
  completedAt: string | null;
  chainTips: ChainTip[];
  prices: PriceSet;
  requestedBy: string;
  rowsDone: number;
  userCount: number | null;
  totals: AssetTotal[] | null;
  contentHash: string | null;
  error: string | null;
}

export interface SnapshotOptions {
  /** Rows read and written per page (a short transaction each). */
  pageSize?: number;
  /** Called after each page, for progress reporting. */
  onProgress?: (rowsDone: number) => void;
}

/**
 * User balance snapshots: a consistent cut of every user balance at one ledger
 * sequence, with the chain tips and prices in force, stored immutably with a content hash.
 * Pages are read as of the fixed sequence, so writers are never blocked and the result is the
 * same as reading everything in one transaction.
 */
export class SnapshotService {
  constructor(
    private readonly db: Database,
    private readonly ledger: LedgerCut,
    private readonly tips: ChainTips,
    private readonly prices: PriceSource,
    private readonly assets: AssetRegistry,
    /** When given, taking and completing a snapshot are recorded in the audit log. */
    private readonly audit?: Pick<AuditLog, 'append'>,
  ) {}

  /** Records the cut (sequence, tips, prices) and returns it; `run` fills it in. */
  async start(requestedBy: string): Promise<Snapshot> {
    const [sequence, chainTips, prices] = await Promise.all([
      this.ledger.currentSequence(),
      this.tips.tips(),
      this.prices.current(),
    ]);
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO compliance.snapshots (id, status, sequence, taken_at, chain_tips, prices, requested_by)
         VALUES ($1, 'running', $2, now(), $3, $4, $5)`,
        [id, sequence.toString(), JSON.stringify(chainTips), JSON.stringify(prices), requestedBy],
      );
      await this.audit?.append(tx, {
        actor: actorOf(requestedBy),
        action: 'snapshot.started',
        subject: { type: 'snapshot', id },
        payload: { sequence: sequence.toString(), chainTips, prices },
      });
    });
    return this.get(id);
  }

  /** Reads every user balance as of the snapshot's sequence and completes the snapshot. */
  async run(id: string, options: SnapshotOptions = {}): Promise<Snapshot> {
    const snap = await this.get(id);
    if (snap.status !== 'running') return snap;
    const pageSize = options.pageSize ?? 5000;
    const sequence = BigInt(snap.sequence);
    const totals = new Map<string, { balance: bigint; values: string[]; users: number }>();
    const users = new Set<string>();
    let after: string | null = null;
    let rowsDone = 0;
    try {
      do {
        const page: { rows: UserBalance[]; next: string | null } = await this.ledger.userBalancesAsOf(
          sequence,
          after,
          pageSize,
        );
        after = page.next;
        if (page.rows.length === 0) continue;
        const rows = page.rows.map((r) => ({ ...r, value: this.value(r, snap.prices) }));
        for (const r of rows) {
          users.add(`${r.clientId}\u0000${r.userId}`);
          const t = totals.get(r.asset) ?? { balance: 0n, values: [], users: 0 };
          t.balance += r.balance;
          t.users += 1;
          if (r.value !== null) t.values.push(r.value);
          totals.set(r.asset, t);
        }
        rowsDone += rows.length;
        await this.db.transaction(async (tx) => {
          await tx.query(
            `INSERT INTO compliance.snapshot_balances (snapshot_id, client_id, user_id, asset, balance, value)
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[])`,
            [
              id,
              rows.map((r) => r.clientId),
              rows.map((r) => r.userId),
              rows.map((r) => r.asset),
              rows.map((r) => r.balance.toString()),
              rows.map((r) => r.value),
            ],
          );
          await tx.query('UPDATE compliance.snapshots SET rows_done = $2 WHERE id = $1', [id, rowsDone]);
        });
        options.onProgress?.(rowsDone);
      } while (after !== null);
      const contentHash = await this.contentHash(snap, pageSize);
      const totalList: AssetTotal[] = [...totals.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([asset, t]) => ({
          asset,
          balance: t.balance.toString(),
          value: t.values.length ? sumDecimals(t.values) : null,
          users: t.users,
        }));
      await this.db.transaction(async (tx) => {
        await tx.query(
          `UPDATE compliance.snapshots SET status = 'complete', completed_at = now(), user_count = $2, totals = $3, content_hash = $4, rows_done = $5 WHERE id = $1`,
          [id, users.size, JSON.stringify(totalList), contentHash, rowsDone],
        );
        await this.audit?.append(tx, {
          actor: actorOf(snap.requestedBy),
          action: 'snapshot.completed',
          subject: { type: 'snapshot', id },
          payload: { sequence: snap.sequence, contentHash, userCount: users.size, totals: totalList },
        });
      });
    } catch (err) {
      await this.db.query(`UPDATE compliance.snapshots SET status = 'failed', error = $2 WHERE id = $1`, [
        id,
        (err as Error).message,
      ]);
      throw err;
    }
    return this.get(id);
  }

  /** Start and run in one call (the API starts and runs in the background instead). */
  async take(requestedBy: string, options?: SnapshotOptions): Promise<Snapshot> {
    const s = await this.start(requestedBy);
    return this.run(s.id, options);
  }

  async get(id: string): Promise<Snapshot> {
    const [row] = await this.db.query<SnapshotRow>('SELECT * FROM compliance.snapshots WHERE id = $1', [id]);
    if (!row) throw domainError(ComplianceErrors['snapshot.not_found'], `snapshot ${id} does not exist`);
    return toSnapshot(row);
  }

  /**
   * Snapshots newest first, at most `limit` (1–501: a page of 500 and one to tell whether more
   * follow), after the snapshot `afterId`. The position is read from that row, so the
   * microseconds of taken_at never pass through a cursor.
   */
  async list(limit = 50, afterId?: string): Promise<Snapshot[]> {
    const rows = await this.db.query<SnapshotRow>(
      `SELECT * FROM compliance.snapshots
        WHERE ($1::uuid IS NULL OR (taken_at, id) < (SELECT taken_at, id FROM compliance.snapshots WHERE id = $1::uuid))
        ORDER BY taken_at DESC, id DESC LIMIT $2`,
      [afterId ?? null, Math.min(Math.max(limit, 1), 501)],
    );
    return rows.map(toSnapshot);
  }

  /** Recomputes a snapshot's content hash from its stored rows (auditors can do the same). */
  async contentHash(
    snap: Pick<Snapshot, 'id' | 'sequence' | 'takenAt' | 'chainTips' | 'prices'>,
    pageSize = 5000,
  ): Promise<string> {
    const hasher = new SnapshotHasher({
      id: snap.id,
      sequence: snap.sequence,
      takenAt: snap.takenAt,
      chainTips: snap.chainTips,
      prices: snap.prices,
    });
    let after: BalanceKey | null = null;
    for (;;) {
      const page = await this.balances(snap.id, after, pageSize);
      for (const r of page) hasher.add(r);
      if (page.length < pageSize) break;
      const last = page[page.length - 1];
      after = { clientId: last.clientId, userId: last.userId, asset: last.asset };
    }
    return hasher.digest();
  }

  /** Balances stored in a snapshot, in content-hash (byte) order, paged. */
  async balances(
    id: string,
    after: BalanceKey | null,
    limit: number,
  ): Promise<(UserBalance & { value: string | null })[]> {
    const rows = await this.db.query<{
      client_id: string;
      user_id: string;
      asset: string;
      balance: string;
      value: string | null;
    }>(
      `SELECT client_id, user_id, asset, balance, value FROM compliance.snapshot_balances
        WHERE snapshot_id = $1 AND ($2::text IS NULL OR (client_id, user_id, asset) > ($2::text COLLATE "C", $3::text COLLATE "C", $4::text COLLATE "C"))
        ORDER BY client_id, user_id, asset LIMIT $5`,
      [id, after?.clientId ?? null, after?.userId ?? null, after?.asset ?? null, limit],
    );
    return rows.map((r) => ({
      clientId: r.client_id,
      userId: r.user_id,
      asset: r.asset,
      balance: BigInt(r.balance),
      value: r.value,
    }));
  }

  /** One user's holdings with valuation as of a time (for the exchange backend). */
  async userHoldings(
    clientId: string,
    userId: string,
    asOf: Date | undefined,
  ): Promise<{
    sequence: string;
    asOf: string;
    prices: PriceSet;
    holdings: (UserBalance & { value: string | null })[];
    totalValue: string | null;
  }> {
    const sequence = asOf ? await this.ledger.sequenceAt(asOf) : await this.ledger.currentSequence();
    const [rows, prices] = await Promise.all([
      this.ledger.balancesOfUser(clientId, userId, sequence),
      this.prices.current(),
    ]);
    const holdings = rows.map((r) => ({ ...r, value: this.value(r, prices) }));
    const values = holdings.map((h) => h.value).filter((v): v is string => v !== null);
    return {
      sequence: sequence.toString(),
      asOf: (asOf ?? new Date()).toISOString(),
      prices,
      holdings,
      totalValue: values.length ? sumDecimals(values) : null,
    };
  }

  private value(row: UserBalance, prices: PriceSet): string | null {
    const price = prices.prices[row.asset];
    if (price === undefined || !this.assets.has(row.asset)) return null;
    return valueOf(row.balance, this.assets.get(row.asset).decimals, price);
  }
}

/** `role:keyId` (as the API records who asked) → an audit actor. */
export function actorOf(requestedBy: string): { id: string; role: string } {
  const i = requestedBy.indexOf(':');
  return i > 0 ? { role: requestedBy.slice(0, i), id: requestedBy.slice(i + 1) } : { role: 'system', id: requestedBy };
}

interface SnapshotRow {
  id: string;
  status: Snapshot['status'];
  sequence: string;
  taken_at: Date | string;
  completed_at: Date | string | null;
  chain_tips: ChainTip[] | string;
  prices: PriceSet | string;
  requested_by: string;
  rows_done: number;
  user_count: number | null;
  totals: AssetTotal[] | string | null;
  content_hash: string | null;
  error: string | null;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const iso = (v: Date | string): string => new Date(v).toISOString();

function toSnapshot(r: SnapshotRow): Snapshot {
  return {
    id: r.id,
    status: r.status,
    sequence: String(r.sequence),
    takenAt: iso(r.taken_at),
    completedAt: r.completed_at ? iso(r.completed_at) : null,
    chainTips: json(r.chain_tips),
    prices: json(r.prices),
    requestedBy: r.requested_by,
    rowsDone: r.rows_done,
    userCount: r.user_count,
    totals: r.totals === null ? null : json(r.totals),
    contentHash: r.content_hash,
    error: r.error,
  };
}
