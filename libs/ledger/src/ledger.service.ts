// Long because the service is the ledger's one write path: accounts, transfers, balances as of,
// expiry and the batch executor share its flag cache and retry loop (planning and SQL live apart).
import { Inject, Injectable, Optional } from '@nestjs/common';
import { isRetryableTxError, sqlState, type Database, type Tx } from '@strongroom/persistence';
import { ASSET_CODE, type AssetCode, domainError } from '@strongroom/shared-types';
import { DATABASE } from '@strongroom/shared-http';
import type {
  Account,
  AccountFlags,
  AccountKind,
  AsOf,
  Balances,
  InvariantReport,
  LedgerApi,
  OpenAccountInput,
  Transfer,
  TransferInput,
  TransferResult,
} from './ledger.types';
import { refusalError, RetryBatch, LedgerErrors } from './ledger.errors';
import {
  TRANSFER_COLUMNS,
  TRANSFER_FROM,
  publicTransfer,
  toAccount,
  toKnownTransfer,
  type AccountRow,
  type TransferRow,
} from './ledger.rows';
import { accountsToLock, planBatch, type Place, type PlanItem } from './transfer-planner';
import { TRANSFER_ID, UUID } from './transfer-input';
import { TransferBatcher } from './transfer-batcher';
import { checkInvariants } from './invariants';
import { must } from './must';
import {
  ledgerBatchRetries,
  ledgerBatches,
  ledgerBatchSize,
  ledgerFastFallbacks,
  ledgerTransfers,
} from './ledger.metrics';
import { planFast, type AccountMeta } from './fast-path';
import { DELTA_TYPES, OPENED_TYPES, TRANSFER_TYPES, arrayParams, canonical, planArrays } from './batch-params';
import { LedgerSequencer, SEQUENCE_AT } from './sequencer';
import { draftResults, placeResults, type Drafts } from './batch-results';

export const LEDGER_OPTIONS = Symbol('LEDGER_OPTIONS');

export interface LedgerOptions {
  /** Most transfers in one database transaction (batch API and group commit). */
  maxBatch?: number;
  /** Group-commit transactions in flight at once on PostgreSQL (PGlite always 1). */
  maxInFlight?: number;
  /** How often the module's sweeper voids timed-out pendings; 0 disables it. */
  sweepIntervalMs?: number;
  /**
   * How often the module's sequencer stamps batches nobody waits for (those written inside
   * callers' transactions); 0 disables it. Writers without a transaction never wait for it.
   */
  sequenceIntervalMs?: number;
}

export const ACCOUNT_KINDS: readonly AccountKind[] = [
  'user',
  'custody',
  'in_flight',
  'fee_expense',
  'fee_revenue',
  'incident',
  'equity',
];
/** Client and owner ids. */
export const OWNER = /^[A-Za-z0-9._:@/-]{1,200}$/;
const MAX_ATTEMPTS = 8;
/** Whether a committed transfer of account `a` waits for the sequencer (probes only the unstamped tail). */
const BEHIND = `EXISTS (SELECT 1 FROM ledger.batches b WHERE b.first_sequence IS NULL
  AND (EXISTS (SELECT 1 FROM ledger.transfers t WHERE t.debit_account_id = a.id AND t.ticket = b.ticket)
    OR EXISTS (SELECT 1 FROM ledger.transfers t WHERE t.credit_account_id = a.id AND t.ticket = b.ticket)))`;

/** Default flags per kind: user balances are liabilities (never negative), custody holdings assets. */
export function defaultFlags(kind: AccountKind): Required<AccountFlags> {
  return { debitsMustNotExceedCredits: kind === 'user', creditsMustNotExceedDebits: kind === 'custody', closed: false };
}

/** A stable 64-bit advisory-lock key for an account (the first 8 bytes of its uuid). */
export function lockKey(accountId: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${accountId.replace(/-/g, '').slice(0, 16)}`));
}

@Injectable()
export class LedgerService implements LedgerApi {
  /** Asset and flags never change once an account exists (closing aside), so they are cached. */
  private readonly metaCache = new Map<string, AccountMeta>();
  private readonly batcher: TransferBatcher<TransferInput, { result: TransferResult; place: Place | null }>;
  readonly maxBatch: number;
  /** Stamps the commit-order sequence after commit (one per database in this process). */
  readonly sequencer: LedgerSequencer;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Optional() @Inject(LEDGER_OPTIONS) options: LedgerOptions | null = null,
  ) {
    this.maxBatch = options?.maxBatch ?? 8000;
    this.sequencer = LedgerSequencer.of(db);
    this.batcher = new TransferBatcher((items) => this.groupCommit(items), {
      maxBatch: Math.min(this.maxBatch, 2000),
      maxInFlight: db.backend === 'pglite' ? 1 : (options?.maxInFlight ?? 2),
    });
  }

  // ---- accounts ------------------------------------------------------------------------

  async openAccount(input: OpenAccountInput, tx?: Tx): Promise<Account> {
    checkOwner(input.clientId, 'clientId');
    checkOwner(input.ownerId, 'ownerId');
    if (typeof input.asset !== 'string' || !ASSET_CODE.test(input.asset))
      throw domainError(LedgerErrors['account.invalid'], 'asset must be an asset code such as BTC');
    if (!ACCOUNT_KINDS.includes(input.kind))
      throw domainError(LedgerErrors['account.invalid'], `kind must be one of ${ACCOUNT_KINDS.join(', ')}`);
    const flags = { ...defaultFlags(input.kind), ...stripUndefined(input.flags ?? {}) };
    if (flags.debitsMustNotExceedCredits && flags.creditsMustNotExceedDebits) {
      throw domainError(
        LedgerErrors['account.flags_invalid'],
        'debitsMustNotExceedCredits and creditsMustNotExceedDebits are exclusive',
      );
    }
    const run = async (t: Tx): Promise<Account> => {
      const inserted = await t.query<AccountRow>(
        `INSERT INTO ledger.accounts (id, client_id, owner_id, asset, kind, debits_must_not_exceed_credits, credits_must_not_exceed_debits, closed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (client_id, owner_id, asset, kind) DO NOTHING RETURNING *`,
        [
          crypto.randomUUID(),
          input.clientId,
          input.ownerId,
          input.asset,
          input.kind,
          flags.debitsMustNotExceedCredits,
          flags.creditsMustNotExceedDebits,
          flags.closed,
        ],
      );
      if (inserted.length > 0) return toAccount(inserted[0]);
      const [row] = await t.query<AccountRow>(
        'SELECT * FROM ledger.accounts WHERE client_id = $1 AND owner_id = $2 AND asset = $3 AND kind = $4',
        [input.clientId, input.ownerId, input.asset, input.kind],
      );
      const existing = toAccount(row);
      // Opening is idempotent; opening the same account with other flags is a conflict.
      if (
        existing.flags.debitsMustNotExceedCredits !== flags.debitsMustNotExceedCredits ||
        existing.flags.creditsMustNotExceedDebits !== flags.creditsMustNotExceedDebits ||
        existing.flags.closed !== flags.closed
      ) {
        throw domainError(LedgerErrors['account.exists'], `account ${existing.id} already exists with other flags`, {
          accountId: existing.id,
        });
      }
      return existing;
    };
    return tx ? run(tx) : this.db.transaction(run);
  }

  async getAccount(id: string, tx?: Tx): Promise<Account> {
    const rows = UUID.test(id) ? await this.q<AccountRow>(tx, 'SELECT * FROM ledger.accounts WHERE id = $1', [id]) : [];
    if (rows.length === 0) throw domainError(LedgerErrors['account.not_found'], `account ${id} not found`);
    return toAccount(rows[0]);
  }

  async findAccount(
    q: { clientId: string; ownerId: string; asset: AssetCode; kind: AccountKind },
    tx?: Tx,
  ): Promise<Account | null> {
    const rows = await this.q<AccountRow>(
      tx,
      'SELECT * FROM ledger.accounts WHERE client_id = $1 AND owner_id = $2 AND asset = $3 AND kind = $4',
      [q.clientId, q.ownerId, q.asset, q.kind],
    );
    return rows.length ? toAccount(rows[0]) : null;
  }

  /** The accounts among these ids that exist (any order); ids that are not uuids are skipped. */
  async getAccounts(ids: readonly string[], tx?: Tx): Promise<Account[]> {
    const valid = [
      ...new Set(ids.filter((id) => typeof id === 'string' && UUID.test(id)).map((id) => id.toLowerCase())),
    ];
    if (valid.length === 0) return [];
    const rows = await this.q<AccountRow>(tx, 'SELECT * FROM ledger.accounts WHERE id = ANY($1::uuid[])', [valid]);
    return rows.map(toAccount);
  }

  /**
   * The accounts of an owner (all assets and kinds), oldest first; with `limit`, at most that many,
   * starting after the account `after` (a keyset page: the position is read from that row, so
   * the microseconds of created_at are never rounded through a cursor).
   */
  async listAccounts(
    q: { clientId: string; ownerId: string; limit?: number; after?: string },
    tx?: Tx,
  ): Promise<Account[]> {
    const rows = await this.q<AccountRow>(
      tx,
      `SELECT * FROM ledger.accounts WHERE client_id = $1 AND owner_id = $2
         AND ($3::uuid IS NULL OR (created_at, id) > (SELECT created_at, id FROM ledger.accounts WHERE id = $3::uuid))
       ORDER BY created_at, id LIMIT $4`,
      [q.clientId, q.ownerId, q.after ?? null, q.limit ?? null],
    );
    return rows.map(toAccount);
  }

  /**
   * Closes an account: no new debits or credits (voiding its pendings stays possible). Its row
   * lock orders the close with every batch writing the account: one that wrote it first commits
   * first; one that locks it after the close sees it closed and re-plans (then refused).
   */
  async closeAccount(id: string, tx?: Tx): Promise<Account> {
    const run = async (t: Tx): Promise<Account> => {
      await this.getAccount(id, t);
      const [row] = await t.query<AccountRow>('UPDATE ledger.accounts SET closed = true WHERE id = $1 RETURNING *', [
        id,
      ]);
      return toAccount(row);
    };
    return tx ? run(tx) : this.db.transaction(run);
  }

  /**
   * Now: the account row with the last stamped sequence, a consistent pair once none of the
   * account's committed transfers waits for the sequencer (otherwise a round runs first; under a
   * constant stream of such writes, the balances as of the last sequence). Inside a caller's
   * transaction: the row as that transaction sees it. As of a sequence or time: sums over the
   * stamped transfers up to it; unstamped ones are later than every sequence.
   */
  async balances(accountId: string, asOf?: AsOf, tx?: Tx): Promise<Balances & { sequence: bigint }> {
    if (!asOf || (asOf.sequence === undefined && asOf.timestamp === undefined)) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const rows = UUID.test(accountId)
          ? await this.q<AccountRow & { last: string; behind: boolean }>(
              tx,
              `SELECT a.*, s.last, ${BEHIND} AS behind FROM ledger.accounts a, ledger.sequencer s WHERE a.id = $1 AND s.id = 1`,
              [accountId],
            )
          : [];
        if (rows.length === 0) throw domainError(LedgerErrors['account.not_found'], `account ${accountId} not found`);
        if (!rows[0].behind || tx) return { ...balancesOf(toAccount(rows[0])), sequence: BigInt(rows[0].last) };
        await this.sequencer.settle();
      }
      return this.balancesAt(accountId, await this.lastSequence(), tx);
    }
    const account = await this.getAccount(accountId, tx);
    const current = await this.lastSequence(tx);
    let sequence: bigint;
    if (asOf.sequence !== undefined) {
      if (asOf.sequence < 0n) throw domainError(LedgerErrors['balance.as_of_invalid'], 'asOfSequence must be >= 0');
      if (asOf.sequence > current)
        throw domainError(
          LedgerErrors['balance.as_of_future'],
          `sequence ${asOf.sequence} is beyond the last committed sequence ${current}`,
        );
      sequence = asOf.sequence;
    } else {
      const ts = must(asOf.timestamp, 'timestamp');
      if (Number.isNaN(ts.getTime()))
        throw domainError(LedgerErrors['balance.as_of_invalid'], 'asOf must be an ISO timestamp');
      if (ts.getTime() > Date.now()) throw domainError(LedgerErrors['balance.as_of_future'], 'asOf is in the future');
      const rows = await this.q<{ sequence: string }>(tx, SEQUENCE_AT, [ts.toISOString()]);
      sequence = rows.length ? BigInt(rows[0].sequence) : 0n;
    }
    return this.balancesAt(account.id, sequence, tx);
  }

  private async balancesAt(accountId: string, sequence: bigint, tx?: Tx): Promise<Balances & { sequence: bigint }> {
    const [s] = await this.q<{ dp: string; dq: string; cp: string; cq: string }>(
      tx,
      `SELECT debits_pending AS dp, debits_posted AS dq, credits_pending AS cp, credits_posted AS cq
         FROM ledger.sums_as_of($1::uuid, $2::bigint)`,
      [accountId, sequence.toString()],
    );
    return {
      debitsPending: BigInt(s.dp),
      debitsPosted: BigInt(s.dq),
      creditsPending: BigInt(s.cp),
      creditsPosted: BigInt(s.cq),
      sequence,
    };
  }

  private async lastSequence(tx?: Tx): Promise<bigint> {
    const [{ last }] = await this.q<{ last: string }>(tx, 'SELECT last FROM ledger.sequencer WHERE id = 1', []);
    return BigInt(last);
  }

  // ---- transfers -----------------------------------------------------------------------

  /**
   * Without `tx`: commits, then waits for the sequencer to stamp the batch, so every transfer
   * comes back with its sequence. With `tx`: the batch is written in the caller's transaction and
   * takes its place in the sequence once that commits — a new transfer comes back with sequence 0
   * and createdAt the time it was written (`getTransfer` after the commit has both).
   */
  async createTransfers(batch: TransferInput[], tx?: Tx): Promise<TransferResult[]> {
    if (!Array.isArray(batch))
      throw domainError(LedgerErrors['transfer.batch_invalid'], 'a batch is an array of transfers');
    if (batch.length === 0) return [];
    if (batch.length > this.maxBatch)
      throw domainError(LedgerErrors['transfer.batch_invalid'], `a batch holds at most ${this.maxBatch} transfers`);
    const drafts = await this.runBatch(batch, new Date(), tx);
    return tx ? drafts.results : placeResults(this.sequencer, drafts);
  }

  async transfer(input: TransferInput, tx?: Tx): Promise<Transfer> {
    // A lone transfer cannot open a chain; refusing here also keeps group commit from linking
    // it to an unrelated transfer that happens to share its transaction.
    if (Array.isArray(input.flags) && input.flags.includes('linked')) {
      throw refusalError(
        LedgerErrors['transfer.linked_chain_open'],
        'a single transfer cannot be linked; send the chain as a batch',
      );
    }
    const result = tx ? (await this.createTransfers([input], tx))[0] : await this.submitTransfer(input);
    if (!result.ok) throw refusalError(result.code, result.detail, { transferId: result.id });
    return result.transfer;
  }

  /** Like `transfer`, with the replay flag kept (the HTTP API reports it). */
  async submitTransfer(input: TransferInput): Promise<TransferResult> {
    if (Array.isArray(input.flags) && input.flags.includes('linked')) {
      return {
        id: input.id,
        ok: false,
        code: LedgerErrors['transfer.linked_chain_open'].code,
        detail: 'a single transfer cannot be linked; send the chain as a batch',
      };
    }
    // The group's transaction slot is free once it commits; each caller then waits for its stamp.
    const { result, place } = await this.batcher.submit(input);
    return (await placeResults(this.sequencer, { results: [result], places: [place] }))[0];
  }

  async getTransfer(id: string, tx?: Tx): Promise<Transfer> {
    const rows = TRANSFER_ID.test(id) || id.startsWith('expired~') ? await this.loadTransfers(tx, [id]) : [];
    if (rows.length === 0) throw domainError(LedgerErrors['transfer.not_found'], `transfer ${id} not found`);
    return rows[0];
  }

  /** The transfers among these ids that exist (any order). */
  async findTransfers(ids: readonly string[], tx?: Tx): Promise<Transfer[]> {
    const valid = [
      ...new Set(ids.filter((id) => typeof id === 'string' && (TRANSFER_ID.test(id) || id.startsWith('expired~')))),
    ];
    return this.loadTransfers(tx, valid);
  }

  async expirePending(now: Date = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.db.query<{ pending_id: string }>(
        `SELECT pending_id FROM ledger.pending_states WHERE state = 'pending' AND timeout_at <= $1 ORDER BY timeout_at, pending_id LIMIT 500`,
        [now.toISOString()],
      );
      if (due.length === 0) break;
      const items: PlanItem[] = due.map((d) => ({
        id: `expired~${d.pending_id}`,
        debitAccountId: '',
        creditAccountId: '',
        flags: ['void_pending'],
        pendingId: d.pending_id,
        code: 'expired',
        expire: true,
      }));
      const { results } = await this.runBatch(items, now);
      const done = results.filter((r) => r.ok && !r.replayed).length;
      total += done;
      if (done === 0 || due.length < 500) break;
    }
    if (total > 0) await this.sequencer.settle();
    return total;
  }

  /** Stamps what committed before the call, then checks in one REPEATABLE READ snapshot. */
  async checkInvariants(): Promise<InvariantReport> {
    await this.sequencer.settle();
    return this.db.transaction((tx) => checkInvariants(tx), 'REPEATABLE READ');
  }

  // ---- the write path --------------------------------------------------------------------

  /** Group commit's transaction: the batcher hands each caller its own result and place. */
  private async groupCommit(items: TransferInput[]): Promise<{ result: TransferResult; place: Place | null }[]> {
    const d = await this.runBatch(items, new Date());
    return d.results.map((result, i) => ({ result, place: d.places[i] }));
  }

  private async runBatch(batch: PlanItem[], now: Date, tx?: Tx): Promise<Drafts> {
    const fast = await this.applyFast(tx, batch, canonical(batch), now);
    if (fast) return observe(fast);
    if (tx) {
      // Inside the caller's transaction a retry must not undo the caller's own work: a
      // savepoint scopes it to the ledger's statements.
      for (let attempt = 1; ; attempt++) {
        await tx.query('SAVEPOINT ledger_batch');
        try {
          const d = await this.execBatch(tx, batch, now, false);
          await tx.query('RELEASE SAVEPOINT ledger_batch');
          return observe(d);
        } catch (err) {
          await tx.query('ROLLBACK TO SAVEPOINT ledger_batch');
          // A deadlock can only involve a caller's transaction that holds account rows from an
          // earlier batch; rolling back to the savepoint frees this batch's locks, so retry.
          if (!(err instanceof RetryBatch || sqlState(err) === '40P01') || attempt >= MAX_ATTEMPTS) throw err;
          ledgerBatchRetries.inc();
        }
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return observe(await this.db.transaction((t) => this.execBatch(t, batch, now, true)));
      } catch (err) {
        if (!(err instanceof RetryBatch || isRetryableTxError(err)) || attempt >= MAX_ATTEMPTS) throw err;
        ledgerBatchRetries.inc();
        await new Promise((r) => setTimeout(r, Math.random() * 2 * attempt));
      }
    }
  }

  // Long because it is one transaction's two round trips in the lock order below (read_batch locks,
  // apply_batch writes); split, the half-taken locks would travel between methods on the hot path.
  /**
   * One batch in one transaction. Lock order, the same for every transaction, is what makes it
   * deadlock-free: (1) pending_states rows of the pendings it resolves, sorted; (2) advisory
   * locks of the constrained accounts, sorted; (3) the account rows it updates, sorted, taken
   * last. No lock every writer shares: the sequence is stamped after commit.
   */
  private async execBatch(tx: Tx, batch: PlanItem[], now: Date, inline: boolean): Promise<Drafts> {
    const ids = new Set<string>();
    const pendingIds = new Set<string>();
    for (const t of batch) {
      if (typeof t.id === 'string') ids.add(t.id);
      const resolving =
        Array.isArray(t.flags) && (t.flags.includes('post_pending') || t.flags.includes('void_pending'));
      if (resolving && typeof t.pendingId === 'string' && TRANSFER_ID.test(t.pendingId)) pendingIds.add(t.pendingId);
    }
    // Flags decide which accounts to lock; they are cached, so a warm batch reads once.
    const accountIds = new Set<string>();
    for (const t of batch) {
      if (typeof t.debitAccountId === 'string' && UUID.test(t.debitAccountId))
        accountIds.add(t.debitAccountId.toLowerCase());
      if (typeof t.creditAccountId === 'string' && UUID.test(t.creditAccountId))
        accountIds.add(t.creditAccountId.toLowerCase());
    }
    const idList = [...accountIds];
    const unknown = idList.filter((id) => !this.metaCache.has(id));
    if (unknown.length > 0) {
      const rows = await tx.query<AccountRow>('SELECT * FROM ledger.accounts WHERE id = ANY($1::uuid[])', [unknown]);
      for (const r of rows) this.remember(toAccount(r));
    }
    const items = canonical(batch);
    const keys = this.lockKeys(items);
    const [{ data }] = await tx.query<{ data: string | { transfers: TransferRow[]; accounts: AccountRow[] } }>(
      'SELECT ledger.read_batch($1::text[], $2::text[], $3::bigint[], $4::uuid[]) AS data',
      [[...new Set([...ids, ...pendingIds])], [...pendingIds].sort(), keys, idList],
    );
    const read =
      typeof data === 'string' ? (JSON.parse(data) as { transfers: TransferRow[]; accounts: AccountRow[] }) : data;
    const known = new Map(read.transfers.map((r) => [r.id, toKnownTransfer(r)]));
    const accounts = new Map(read.accounts.map((r) => [r.id, toAccount(r)]));

    const plan = planBatch(items, { accounts, known, now });
    if (plan.transfers.length === 0) return draftResults(batch, plan.outcomes, null);

    const a = planArrays(plan);
    const resolved = plan.transfers.flatMap((t) => (t.resolves ? [{ ...t.resolves, by: t.id }] : []));
    const types = [...TRANSFER_TYPES, ...OPENED_TYPES, 'text', 'text', 'text', ...DELTA_TYPES, 'uuid'];
    let applied: { ticket: string; written_at: Date | string; first_sequence: string | null };
    try {
      [applied] = await tx.query<{ ticket: string; written_at: Date | string; first_sequence: string | null }>(
        `SELECT ticket::text AS ticket, written_at, first_sequence::text AS first_sequence
           FROM ledger.apply_batch(${arrayParams(types)}, $${types.length + 1}::boolean)`,
        [
          ...a.transfers,
          ...a.opened,
          resolved.map((r) => r.pendingId),
          resolved.map((r) => r.state),
          resolved.map((r) => r.by),
          ...a.deltas,
          [...plan.mustBeOpen],
          inline,
        ],
      );
    } catch (err) {
      if (sqlState(err) === 'LR001') {
        for (const id of plan.mustBeOpen) this.metaCache.delete(id);
        throw new RetryBatch(err instanceof Error ? err.message : 'concurrent change');
      }
      throw err;
    }
    ledgerBatches.inc({ path: 'full' });
    return draftResults(batch, plan.outcomes, {
      ticket: BigInt(applied.ticket),
      writtenAt: new Date(applied.written_at),
      firstSequence: applied.first_sequence === null ? null : BigInt(applied.first_sequence),
    });
  }

  /**
   * Stored transfers by id. Outside a transaction, one that waits for the sequencer (committed,
   * since it is visible) is stamped first; inside one it keeps sequence 0 (it may be the caller's own).
   */
  private async loadTransfers(tx: Tx | undefined, ids: string[]): Promise<Transfer[]> {
    if (ids.length === 0) return [];
    const rows = await this.q<TransferRow>(
      tx,
      `SELECT ${TRANSFER_COLUMNS} FROM ${TRANSFER_FROM} WHERE t.id = ANY($1::text[])`,
      [ids],
    );
    const known = rows.map(toKnownTransfer);
    const results = known.map((t): TransferResult => ({
      id: t.id,
      ok: true,
      transfer: publicTransfer(t),
      replayed: false,
    }));
    const placed = tx
      ? results
      : await placeResults(this.sequencer, { results, places: known.map((t) => t.place ?? null) });
    return placed.flatMap((r) => (r.ok ? [r.transfer] : []));
  }

  /** Advisory keys of the accounts a batch must lock before its checks, sorted (the lock order). */
  private lockKeys(items: readonly PlanItem[]): string[] {
    const toLock = accountsToLock(items, (id) => this.metaCache.get(id)?.flags);
    return [...new Set(toLock.map(lockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
  }

  /**
   * The one-statement path: a batch planned from cached account facts alone, checked and written
   * by `ledger.apply_fast` (in the caller's transaction, or as its own). Null when the database
   * found something the plan did not foresee (nothing was written): take the full path.
   */
  private async applyFast(tx: Tx | undefined, batch: PlanItem[], items: PlanItem[], now: Date): Promise<Drafts | null> {
    const plan = planFast(items, (id) => this.metaCache.get(id), now);
    if (!plan) return null;
    const a = planArrays(plan);
    const types = ['bigint', ...TRANSFER_TYPES.filter((_, i) => i !== 6), ...OPENED_TYPES, ...DELTA_TYPES];
    const transfers = a.transfers.filter((_, i) => i !== 6); // no pending ids: nothing is resolved here
    type Applied = {
      ticket: string | null;
      written_at: Date | string | null;
      fallback: string | null;
      first_sequence: string | null;
    };
    let rows: Applied[];
    try {
      // In its own transaction it may stamp inline; inside the caller's, never (it would hold
      // the sequencer row until the caller commits).
      rows = await this.q<Applied>(
        tx,
        `SELECT ticket::text AS ticket, written_at, fallback, first_sequence::text AS first_sequence
           FROM ledger.apply_fast(${arrayParams(types)}, $${types.length + 1}::boolean)`,
        [this.lockKeys(items), ...transfers, ...a.opened, ...a.deltas, !tx],
      );
    } catch (err) {
      // Its own transaction failed (a deadlock, a serialization failure): the full path retries.
      if (!tx && isRetryableTxError(err)) return null;
      throw err;
    }
    const [r] = rows;
    if (r.ticket === null) {
      ledgerFastFallbacks.inc();
      return null;
    }
    ledgerBatches.inc({ path: 'fast' });
    return draftResults(batch, plan.outcomes, {
      ticket: BigInt(r.ticket),
      writtenAt: new Date(must(r.written_at, 'written_at')),
      firstSequence: r.first_sequence === null ? null : BigInt(r.first_sequence),
    });
  }

  private remember(a: Account): void {
    if (this.metaCache.size > 200_000) this.metaCache.clear();
    // `closed` is re-read on every batch; only the balance flags are cached.
    this.metaCache.set(a.id, { asset: a.asset, flags: { ...a.flags, closed: false } });
  }

  private q<T>(tx: Tx | undefined, sql: string, params: unknown[]): Promise<T[]> {
    return tx ? tx.query<T>(sql, params) : this.db.query<T>(sql, params);
  }
}

/** Counts a batch's outcomes once its statements succeeded (a retried attempt counts nothing). */
function observe(drafts: Drafts): Drafts {
  ledgerBatchSize.observe(drafts.results.length);
  for (const r of drafts.results)
    ledgerTransfers.inc({ outcome: r.ok ? (r.replayed ? 'replayed' : 'committed') : r.code });
  return drafts;
}

function balancesOf(a: Account): Balances {
  return {
    debitsPending: a.debitsPending,
    debitsPosted: a.debitsPosted,
    creditsPending: a.creditsPending,
    creditsPosted: a.creditsPosted,
  };
}

function checkOwner(v: unknown, field: string): void {
  if (typeof v !== 'string' || !OWNER.test(v))
    throw domainError(LedgerErrors['account.invalid'], `${field} must match [A-Za-z0-9._:@/-]{1,200}`);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
