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
import { decodeFlags } from './transfer-flags';
import {
  TRANSFER_COLUMNS,
  publicTransfer,
  toAccount,
  toKnownTransfer,
  type AccountRow,
  type TransferRow,
} from './ledger.rows';
import {
  accountsToLock,
  planBatch,
  type KnownTransfer,
  type PlanItem,
  type PlannedTransfer,
  type PendingState,
} from './transfer-planner';
import { TRANSFER_ID, UUID } from './transfer-input';
import { TransferBatcher } from './transfer-batcher';
import { checkInvariants } from './invariants';
import { must } from './must';
import { ledgerBatchRetries, ledgerBatchSize, ledgerTransfers } from './ledger.metrics';

export const LEDGER_OPTIONS = Symbol('LEDGER_OPTIONS');

export interface LedgerOptions {
  /** Most transfers in one database transaction (batch API and group commit). */
  maxBatch?: number;
  /** Group-commit transactions in flight at once on PostgreSQL (PGlite always 1). */
  maxInFlight?: number;
  /** How often the module's sweeper voids timed-out pendings; 0 disables it. */
  sweepIntervalMs?: number;
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
  /** Flags never change once an account exists (closing aside), so they are cached. */
  private readonly flagCache = new Map<string, Account['flags']>();
  private readonly batcher: TransferBatcher<TransferInput, TransferResult>;
  readonly maxBatch: number;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Optional() @Inject(LEDGER_OPTIONS) options: LedgerOptions | null = null,
  ) {
    this.maxBatch = options?.maxBatch ?? 8000;
    this.batcher = new TransferBatcher((items) => this.createTransfers(items), {
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
   * Closes an account: no new debits or credits (voiding its pendings stays possible). Takes the
   * sequencer row first, so it orders with every commit and an in-flight transfer to it retries.
   */
  async closeAccount(id: string, tx?: Tx): Promise<Account> {
    const run = async (t: Tx): Promise<Account> => {
      await this.getAccount(id, t);
      await t.query('SELECT last FROM ledger.sequencer WHERE id = 1 FOR UPDATE');
      const [row] = await t.query<AccountRow>('UPDATE ledger.accounts SET closed = true WHERE id = $1 RETURNING *', [
        id,
      ]);
      return toAccount(row);
    };
    return tx ? run(tx) : this.db.transaction(run);
  }

  async balances(accountId: string, asOf?: AsOf, tx?: Tx): Promise<Balances & { sequence: bigint }> {
    if (!asOf || (asOf.sequence === undefined && asOf.timestamp === undefined)) {
      // One statement reads the row and the sequence together: the pair is consistent.
      const rows = UUID.test(accountId)
        ? await this.q<AccountRow & { last: string }>(
            tx,
            'SELECT a.*, s.last FROM ledger.accounts a, ledger.sequencer s WHERE a.id = $1 AND s.id = 1',
            [accountId],
          )
        : [];
      if (rows.length === 0) throw domainError(LedgerErrors['account.not_found'], `account ${accountId} not found`);
      const a = toAccount(rows[0]);
      return {
        debitsPending: a.debitsPending,
        debitsPosted: a.debitsPosted,
        creditsPending: a.creditsPending,
        creditsPosted: a.creditsPosted,
        sequence: BigInt(rows[0].last),
      };
    }
    const account = await this.getAccount(accountId, tx);
    const [{ last }] = await this.q<{ last: string }>(tx, 'SELECT last FROM ledger.sequencer WHERE id = 1', []);
    const current = BigInt(last);
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
      const rows = await this.q<{ sequence: string }>(
        tx,
        'SELECT sequence FROM ledger.transfers WHERE created_at <= $1 ORDER BY created_at DESC, sequence DESC LIMIT 1',
        [ts.toISOString()],
      );
      sequence = rows.length ? BigInt(rows[0].sequence) : 0n;
    }
    const [s] = await this.q<{ dp: string; dq: string; cp: string; cq: string }>(
      tx,
      `SELECT
         (SELECT coalesce(sum(pending_delta), 0) FROM ledger.transfers WHERE debit_account_id = $1 AND sequence <= $2) AS dp,
         (SELECT coalesce(sum(posted_delta), 0) FROM ledger.transfers WHERE debit_account_id = $1 AND sequence <= $2) AS dq,
         (SELECT coalesce(sum(pending_delta), 0) FROM ledger.transfers WHERE credit_account_id = $1 AND sequence <= $2) AS cp,
         (SELECT coalesce(sum(posted_delta), 0) FROM ledger.transfers WHERE credit_account_id = $1 AND sequence <= $2) AS cq`,
      [account.id, sequence.toString()],
    );
    return {
      debitsPending: BigInt(s.dp),
      debitsPosted: BigInt(s.dq),
      creditsPending: BigInt(s.cp),
      creditsPosted: BigInt(s.cq),
      sequence,
    };
  }

  // ---- transfers -----------------------------------------------------------------------

  async createTransfers(batch: TransferInput[], tx?: Tx): Promise<TransferResult[]> {
    if (!Array.isArray(batch))
      throw domainError(LedgerErrors['transfer.batch_invalid'], 'a batch is an array of transfers');
    if (batch.length === 0) return [];
    if (batch.length > this.maxBatch)
      throw domainError(LedgerErrors['transfer.batch_invalid'], `a batch holds at most ${this.maxBatch} transfers`);
    return this.runBatch(batch, new Date(), tx);
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
    const result = tx ? (await this.createTransfers([input], tx))[0] : await this.batcher.submit(input);
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
    return this.batcher.submit(input);
  }

  async getTransfer(id: string, tx?: Tx): Promise<Transfer> {
    const rows = TRANSFER_ID.test(id) || id.startsWith('expired~') ? await this.loadTransfers(tx, [id]) : [];
    if (rows.length === 0) throw domainError(LedgerErrors['transfer.not_found'], `transfer ${id} not found`);
    return publicTransfer(rows[0]);
  }

  /** The transfers among these ids that exist (any order). */
  async findTransfers(ids: readonly string[], tx?: Tx): Promise<Transfer[]> {
    const valid = [
      ...new Set(ids.filter((id) => typeof id === 'string' && (TRANSFER_ID.test(id) || id.startsWith('expired~')))),
    ];
    return (await this.loadTransfers(tx, valid)).map(publicTransfer);
  }

  async expirePending(now: Date = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.db.query<{ pending_id: string }>(
        `SELECT pending_id FROM ledger.pending_states WHERE state = 'pending' AND timeout_at <= $1 ORDER BY timeout_at, pending_id LIMIT 500`,
        [now.toISOString()],
      );
      if (due.length === 0) return total;
      const items: PlanItem[] = due.map((d) => ({
        id: `expired~${d.pending_id}`,
        debitAccountId: '',
        creditAccountId: '',
        flags: ['void_pending'],
        pendingId: d.pending_id,
        code: 'expired',
        expire: true,
      }));
      const results = await this.runBatch(items, now);
      const done = results.filter((r) => r.ok && !r.replayed).length;
      total += done;
      if (done === 0 || due.length < 500) return total;
    }
  }

  async checkInvariants(): Promise<InvariantReport> {
    return this.db.transaction((tx) => checkInvariants(tx), 'REPEATABLE READ');
  }

  // ---- the write path --------------------------------------------------------------------

  private async runBatch(batch: PlanItem[], now: Date, tx?: Tx): Promise<TransferResult[]> {
    if (tx) {
      // Inside the caller's transaction a retry must not undo the caller's own work: a
      // savepoint scopes it to the ledger's statements.
      for (let attempt = 1; ; attempt++) {
        await tx.query('SAVEPOINT ledger_batch');
        try {
          const r = await this.execBatch(tx, batch, now);
          await tx.query('RELEASE SAVEPOINT ledger_batch');
          return observe(r);
        } catch (err) {
          await tx.query('ROLLBACK TO SAVEPOINT ledger_batch');
          if (!(err instanceof RetryBatch) || attempt >= MAX_ATTEMPTS) throw err;
          ledgerBatchRetries.inc();
        }
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return observe(await this.db.transaction((t) => this.execBatch(t, batch, now)));
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
   * locks of the constrained accounts, sorted; (3) the sequencer row; (4) the account rows it
   * updates — only while holding (3), which no one else holds at the same time.
   */
  private async execBatch(tx: Tx, batch: PlanItem[], now: Date): Promise<TransferResult[]> {
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
    const unknown = idList.filter((id) => !this.flagCache.has(id));
    if (unknown.length > 0) {
      const rows = await tx.query<AccountRow>('SELECT * FROM ledger.accounts WHERE id = ANY($1::uuid[])', [unknown]);
      for (const r of rows) this.rememberFlags(toAccount(r));
    }
    // Account ids are compared in canonical (lower-case) form.
    const items: PlanItem[] = batch.map((t) => ({
      ...t,
      debitAccountId: typeof t.debitAccountId === 'string' ? t.debitAccountId.toLowerCase() : t.debitAccountId,
      creditAccountId: typeof t.creditAccountId === 'string' ? t.creditAccountId.toLowerCase() : t.creditAccountId,
    }));
    const toLock = accountsToLock(items, (id) => this.flagCache.get(id));
    const keys = [...new Set(toLock.map(lockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
    const [{ data }] = await tx.query<{ data: string | { transfers: TransferRow[]; accounts: AccountRow[] } }>(
      'SELECT ledger.read_batch($1::text[], $2::text[], $3::bigint[], $4::uuid[]) AS data',
      [[...new Set([...ids, ...pendingIds])], [...pendingIds].sort(), keys, idList],
    );
    const read =
      typeof data === 'string' ? (JSON.parse(data) as { transfers: TransferRow[]; accounts: AccountRow[] }) : data;
    const known = new Map(read.transfers.map((r) => [r.id, toKnownTransfer(r)]));
    const accounts = new Map(read.accounts.map((r) => [r.id, toAccount(r)]));

    const plan = planBatch(items, { accounts, known, now });
    if (plan.transfers.length === 0) return this.results(batch, plan.outcomes, 0n, now);

    const ts = plan.transfers;
    const created = ts.filter((t) => t.pendingDelta > 0n);
    const resolved = ts.flatMap((t) => (t.resolves ? [{ ...t.resolves, by: t.id }] : []));
    const deltaIds = [...plan.deltas.keys()];
    const d = deltaIds.map((id) => must(plan.deltas.get(id), 'delta'));
    const str = (v: bigint) => v.toString();
    let applied: { base: string; committed_at: Date | string };
    try {
      [applied] = await tx.query<{ base: string; committed_at: Date | string }>(
        `SELECT * FROM ledger.apply_batch($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::numeric[], $6::int[], $7::text[], $8::int[],
           $9::text[], $10::text[], $11::numeric[], $12::numeric[], $13::text[], $14::text[], $15::int[], $16::text[], $17::text[], $18::text[],
           $19::uuid[], $20::numeric[], $21::numeric[], $22::numeric[], $23::numeric[], $24::uuid[])`,
        [
          ts.map((t) => t.id),
          ts.map((t) => t.debitAccountId),
          ts.map((t) => t.creditAccountId),
          ts.map((t) => t.asset),
          ts.map((t) => str(t.amount)),
          ts.map((t) => t.flags),
          ts.map((t) => t.pendingId),
          ts.map((t) => t.timeoutSeconds),
          ts.map((t) => t.code),
          ts.map((t) => JSON.stringify(t.metadata)),
          ts.map((t) => str(t.pendingDelta)),
          ts.map((t) => str(t.postedDelta)),
          ts.map((t) => t.bodyHash),
          created.map((t) => t.id),
          created.map((t) => t.timeoutSeconds),
          resolved.map((r) => r.pendingId),
          resolved.map((r) => r.state),
          resolved.map((r) => r.by),
          deltaIds,
          d.map((x) => str(x.debitsPending)),
          d.map((x) => str(x.debitsPosted)),
          d.map((x) => str(x.creditsPending)),
          d.map((x) => str(x.creditsPosted)),
          [...plan.mustBeOpen],
        ],
      );
    } catch (err) {
      if (sqlState(err) === 'LR001') {
        for (const id of plan.mustBeOpen) this.flagCache.delete(id);
        throw new RetryBatch(err instanceof Error ? err.message : 'concurrent change');
      }
      throw err;
    }
    return this.results(batch, plan.outcomes, BigInt(applied.base), new Date(applied.committed_at));
  }

  private results(
    batch: PlanItem[],
    outcomes: ReturnType<typeof planBatch>['outcomes'],
    base: bigint,
    ts: Date,
  ): TransferResult[] {
    const position = new Map<PlannedTransfer, number>();
    const finalState = new Map<string, PendingState>();
    let pos = 0;
    for (const o of outcomes) {
      if (o.kind === 'new' && !o.replayed) {
        position.set(o.planned, ++pos);
        if (o.planned.resolves) finalState.set(o.planned.resolves.pendingId, o.planned.resolves.state);
      }
    }
    return outcomes.map((o, i) => {
      const id = batch[i].id;
      if (o.kind === 'refused') return { id, ok: false as const, code: o.code, detail: o.detail };
      if (o.kind === 'replay') {
        const t = publicTransfer(o.transfer);
        if (finalState.has(t.id)) t.pendingState = must(finalState.get(t.id), 'state');
        return { id, ok: true as const, transfer: t, replayed: true };
      }
      const p = o.planned;
      const pending = p.pendingDelta > 0n;
      const transfer: Transfer = {
        id: p.id,
        sequence: base + BigInt(must(position.get(p), 'position')),
        debitAccountId: p.debitAccountId,
        creditAccountId: p.creditAccountId,
        asset: p.asset,
        amount: p.amount,
        flags: decodeFlags(p.flags),
        pendingId: p.pendingId,
        timeoutAt: pending && p.timeoutSeconds > 0 ? new Date(ts.getTime() + p.timeoutSeconds * 1000) : null,
        pendingState: pending ? (finalState.get(p.id) ?? 'pending') : null,
        code: p.code,
        metadata: p.metadata,
        createdAt: ts,
      };
      return { id, ok: true as const, transfer, replayed: o.replayed };
    });
  }

  private async loadTransfers(tx: Tx | undefined, ids: string[]): Promise<KnownTransfer[]> {
    if (ids.length === 0) return [];
    const rows = await this.q<TransferRow>(
      tx,
      `SELECT ${TRANSFER_COLUMNS} FROM ledger.transfers t LEFT JOIN ledger.pending_states p ON p.pending_id = t.id WHERE t.id = ANY($1::text[])`,
      [ids],
    );
    return rows.map(toKnownTransfer);
  }

  private rememberFlags(a: Account): void {
    if (this.flagCache.size > 200_000) this.flagCache.clear();
    // `closed` is re-read on every batch; only the balance flags are cached.
    this.flagCache.set(a.id, { ...a.flags, closed: false });
  }

  private q<T>(tx: Tx | undefined, sql: string, params: unknown[]): Promise<T[]> {
    return tx ? tx.query<T>(sql, params) : this.db.query<T>(sql, params);
  }
}

/** Counts a batch's outcomes once its statements succeeded (a retried attempt counts nothing). */
function observe(results: TransferResult[]): TransferResult[] {
  ledgerBatchSize.observe(results.length);
  for (const r of results) ledgerTransfers.inc({ outcome: r.ok ? (r.replayed ? 'replayed' : 'committed') : r.code });
  return results;
}

function checkOwner(v: unknown, field: string): void {
  if (typeof v !== 'string' || !OWNER.test(v))
    throw domainError(LedgerErrors['account.invalid'], `${field} must match [A-Za-z0-9._:@/-]{1,200}`);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
