import type { Account, Balances, Transfer, TransferInput } from './ledger.types';
// E is the ledger's error catalogue, short here because nearly every branch below names an entry.
import { LedgerErrors as E, type LedgerRefusal, type LedgerRefusalCode } from './ledger.errors';
import { transferBodyHash } from './canonical-body';
import { checkTransferInput } from './transfer-input';
import { encodeFlags } from './transfer-flags';
import { must } from './must';

/** numeric(78,0) holds at most 78 digits; a balance column may never reach past it. */
export const MAX_BALANCE = 10n ** 78n - 1n;

export type PendingState = 'pending' | 'posted' | 'voided' | 'expired';

/** A transfer's batch and position in it: its sequence once the sequencer has stamped the batch. */
export interface Place {
  ticket: bigint;
  ord: number;
}

/**
 * A committed transfer as the planner sees it (with its body hash, for idempotency). `place` is
 * set while its batch is unstamped (then `sequence` is 0).
 */
export interface KnownTransfer extends Transfer {
  bodyHash: string;
  place?: Place;
}

/** A batch item. `expire` marks the sweeper's void of a timed-out pending (internal only). */
export interface PlanItem extends TransferInput {
  expire?: boolean;
}

export interface PlannedTransfer {
  index: number;
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  asset: string;
  amount: bigint;
  flags: number;
  pendingId: string | null;
  timeoutSeconds: number;
  code: string | null;
  metadata: Record<string, unknown>;
  pendingDelta: bigint;
  postedDelta: bigint;
  bodyHash: string;
  /** The pending transfer this one posts, voids or expires. */
  resolves: { pendingId: string; state: Exclude<PendingState, 'pending'> } | null;
}

export type Outcome =
  | { kind: 'new'; planned: PlannedTransfer; replayed: boolean }
  | { kind: 'replay'; transfer: KnownTransfer }
  | { kind: 'refused'; code: LedgerRefusalCode; detail: string };

export interface PlanContext {
  /** Every account the batch names (and the accounts of the pendings it resolves). */
  accounts: ReadonlyMap<string, Account>;
  /** Committed transfers among the batch's ids and the pendings it references. */
  known: ReadonlyMap<string, KnownTransfer>;
  now: Date;
}

export interface Plan {
  outcomes: Outcome[];
  /** New transfers in batch order: they take consecutive sequences. */
  transfers: PlannedTransfer[];
  /** Net change per account. */
  deltas: Map<string, Balances>;
  /** Accounts that new debits/credits (not voids) went to: they must still be open at commit. */
  mustBeOpen: Set<string>;
}

interface PendingView {
  debitAccountId: string;
  creditAccountId: string;
  asset: string;
  amount: bigint;
  timeoutAt: Date | null;
  state: PendingState;
}

const has = (t: TransferInput, flag: string): boolean => Array.isArray(t.flags) && (t.flags as string[]).includes(flag);

/**
 * Which accounts a batch must lock before it can be checked: only those a transfer could push
 * past their flag (a debit to a debits-must-not-exceed-credits account, a credit to a
 * credits-must-not-exceed-debits one, or a balancing side). Every other change — credits to a
 * user, debits to custody, posting or voiding a pending — only moves balances away from a
 * violation, so such accounts are never read-locked and a hot account does not serialise checks.
 */
export function accountsToLock(
  batch: readonly TransferInput[],
  flagsOf: (id: string) => Account['flags'] | undefined,
): string[] {
  const out = new Set<string>();
  for (const t of batch) {
    if (has(t, 'post_pending') || has(t, 'void_pending')) continue;
    const d = typeof t.debitAccountId === 'string' ? flagsOf(t.debitAccountId) : undefined;
    const c = typeof t.creditAccountId === 'string' ? flagsOf(t.creditAccountId) : undefined;
    if (d && (d.debitsMustNotExceedCredits || has(t, 'balancing_debit'))) out.add(t.debitAccountId);
    if (c && (c.creditsMustNotExceedDebits || has(t, 'balancing_credit'))) out.add(t.creditAccountId);
  }
  return [...out].sort();
}

// Long because each transfer must see the balances, pendings and undo log left by the ones before
// it (a linked chain rolls back as one): the closures share that state in one pass per batch.
/**
 * Decides a batch in memory, in order, as TigerBeetle does: each transfer sees the effects of
 * the ones before it; a linked chain is undone as a whole when one member fails. Pure: the
 * service reads the context, plans, then writes the plan.
 */
export function planBatch(batch: readonly PlanItem[], ctx: PlanContext): Plan {
  const balances = new Map<string, Balances>();
  for (const [id, a] of ctx.accounts) {
    balances.set(id, {
      debitsPending: a.debitsPending,
      debitsPosted: a.debitsPosted,
      creditsPending: a.creditsPending,
      creditsPosted: a.creditsPosted,
    });
  }
  const pendings = new Map<string, PendingView>();
  const batchNew = new Map<string, PlannedTransfer>();
  const transfers: PlannedTransfer[] = [];
  const undo: (() => void)[] = [];
  const outcomes: Outcome[] = new Array(batch.length);

  const refused = (refusal: LedgerRefusal, detail: string): Outcome => ({
    kind: 'refused',
    code: refusal.code,
    detail,
  });

  const pendingOf = (id: string): PendingView | 'not_pending' | undefined => {
    const p = pendings.get(id);
    if (p) return p;
    const k = ctx.known.get(id);
    if (!k) return undefined;
    if (!k.flags.includes('pending') || k.pendingState === null) return 'not_pending';
    const view: PendingView = {
      debitAccountId: k.debitAccountId,
      creditAccountId: k.creditAccountId,
      asset: k.asset,
      amount: k.amount,
      timeoutAt: k.timeoutAt,
      state: k.pendingState,
    };
    pendings.set(id, view);
    return view;
  };

  const apply = (planned: PlannedTransfer, pendingUpdate?: () => () => void): void => {
    const dr = must(balances.get(planned.debitAccountId), 'debit balances');
    const cr = must(balances.get(planned.creditAccountId), 'credit balances');
    const { pendingDelta: p, postedDelta: q } = planned;
    dr.debitsPending += p;
    dr.debitsPosted += q;
    cr.creditsPending += p;
    cr.creditsPosted += q;
    batchNew.set(planned.id, planned);
    transfers.push(planned);
    const undoPending = pendingUpdate?.();
    undo.push(() => {
      dr.debitsPending -= p;
      dr.debitsPosted -= q;
      cr.creditsPending -= p;
      cr.creditsPosted -= q;
      batchNew.delete(planned.id);
      transfers.pop();
      undoPending?.();
    });
  };

  const overflows = (accountId: string, side: 'debit' | 'credit', p: bigint, q: bigint): boolean => {
    const b = must(balances.get(accountId), 'balances');
    return side === 'debit'
      ? b.debitsPending + p > MAX_BALANCE || b.debitsPosted + q > MAX_BALANCE
      : b.creditsPending + p > MAX_BALANCE || b.creditsPosted + q > MAX_BALANCE;
  };

  const step = (t: PlanItem, index: number): Outcome => {
    if (!t.expire) {
      const bad = checkTransferInput(t);
      if (bad) return { kind: 'refused', code: bad.code, detail: bad.detail };
    }
    const bodyHash = transferBodyHash(t);
    const known = ctx.known.get(t.id);
    if (known) {
      return known.bodyHash === bodyHash
        ? { kind: 'replay', transfer: known }
        : refused(E['transfer.id_conflict'], `transfer ${t.id} already exists with a different body`);
    }
    const earlier = batchNew.get(t.id);
    if (earlier) {
      return earlier.bodyHash === bodyHash
        ? { kind: 'new', planned: earlier, replayed: true }
        : refused(E['transfer.id_conflict'], `transfer ${t.id} appears twice in the batch with different bodies`);
    }
    const base = {
      index,
      id: t.id,
      flags: encodeFlags(t.flags ?? []),
      timeoutSeconds: t.timeoutSeconds ?? 0,
      code: t.code ?? null,
      metadata: t.metadata ?? {},
      bodyHash,
    };

    if (has(t, 'post_pending') || has(t, 'void_pending')) {
      const pendingId = must(t.pendingId, 'pendingId');
      const p = pendingOf(pendingId);
      if (p === undefined) return refused(E['pending.not_found'], `no pending transfer ${pendingId}`);
      if (p === 'not_pending')
        return refused(E['pending.not_pending'], `transfer ${pendingId} is not a pending transfer`);
      if (p.state !== 'pending')
        return refused(E['pending.already_resolved'], `pending transfer ${pendingId} is already ${p.state}`);
      const due = p.timeoutAt !== null && p.timeoutAt.getTime() <= ctx.now.getTime();
      if (t.expire && !due) return refused(E['pending.not_found'], `pending transfer ${pendingId} has not timed out`);
      if (!t.expire && due)
        return refused(
          E['pending.expired'],
          `pending transfer ${pendingId} timed out at ${must(p.timeoutAt, 'timeoutAt').toISOString()}`,
        );
      if (
        (t.debitAccountId && t.debitAccountId !== p.debitAccountId) ||
        (t.creditAccountId && t.creditAccountId !== p.creditAccountId)
      ) {
        return refused(
          E['pending.accounts_mismatch'],
          `the accounts differ from those of pending transfer ${pendingId}`,
        );
      }
      const post = has(t, 'post_pending');
      let amount = p.amount;
      if (post) {
        if (t.amount !== undefined && t.amount > p.amount) {
          return refused(
            E['pending.amount_exceeds'],
            `cannot post ${t.amount}: pending transfer ${pendingId} holds ${p.amount}`,
          );
        }
        amount = t.amount ?? p.amount;
        const dr = must(ctx.accounts.get(p.debitAccountId), 'pending debit account');
        const cr = must(ctx.accounts.get(p.creditAccountId), 'pending credit account');
        if (dr.flags.closed || cr.flags.closed)
          return refused(E['account.closed'], `account ${dr.flags.closed ? dr.id : cr.id} is closed`);
      } else if (t.amount !== undefined && t.amount !== p.amount) {
        return refused(E['pending.amount_mismatch'], `a void releases the whole pending amount (${p.amount})`);
      }
      const postedDelta = post ? amount : 0n;
      if (
        overflows(p.debitAccountId, 'debit', 0n, postedDelta) ||
        overflows(p.creditAccountId, 'credit', 0n, postedDelta)
      ) {
        return refused(E['transfer.overflow'], 'the balance would exceed numeric(78,0)');
      }
      const state: Exclude<PendingState, 'pending'> = post ? 'posted' : t.expire ? 'expired' : 'voided';
      apply(
        {
          ...base,
          debitAccountId: p.debitAccountId,
          creditAccountId: p.creditAccountId,
          asset: p.asset,
          amount,
          pendingId,
          pendingDelta: -p.amount,
          postedDelta,
          resolves: { pendingId, state },
        },
        () => {
          p.state = state;
          return () => (p.state = 'pending');
        },
      );
      return { kind: 'new', planned: transfers[transfers.length - 1], replayed: false };
    }

    const dr = ctx.accounts.get(t.debitAccountId);
    if (!dr) return refused(E['account.not_found'], `debit account ${t.debitAccountId} not found`);
    const cr = ctx.accounts.get(t.creditAccountId);
    if (!cr) return refused(E['account.not_found'], `credit account ${t.creditAccountId} not found`);
    if (dr.asset !== cr.asset)
      return refused(E['transfer.asset_mismatch'], `debit account is ${dr.asset}, credit account is ${cr.asset}`);
    if (dr.flags.closed || cr.flags.closed)
      return refused(E['account.closed'], `account ${dr.flags.closed ? dr.id : cr.id} is closed`);
    const db = must(balances.get(dr.id), 'debit balances');
    const cb = must(balances.get(cr.id), 'credit balances');
    let amount = must(t.amount, 'amount');
    if (has(t, 'balancing_debit')) {
      const room = db.creditsPosted - db.debitsPending - db.debitsPosted;
      amount = room < amount ? room : amount;
      if (amount <= 0n)
        return refused(E['account.debits_exceed_credits'], `debit account ${dr.id} has nothing available`);
    }
    if (has(t, 'balancing_credit')) {
      const room = cb.debitsPosted - cb.creditsPending - cb.creditsPosted;
      amount = room < amount ? room : amount;
      if (amount <= 0n) return refused(E['account.credits_exceed_debits'], `credit account ${cr.id} has no room`);
    }
    if (dr.flags.debitsMustNotExceedCredits && db.debitsPending + db.debitsPosted + amount > db.creditsPosted) {
      return refused(E['account.debits_exceed_credits'], `debit account ${dr.id} has insufficient funds`);
    }
    if (cr.flags.creditsMustNotExceedDebits && cb.creditsPending + cb.creditsPosted + amount > cb.debitsPosted) {
      return refused(E['account.credits_exceed_debits'], `credits to account ${cr.id} would exceed its debits`);
    }
    const pending = has(t, 'pending');
    const pendingDelta = pending ? amount : 0n;
    const postedDelta = pending ? 0n : amount;
    if (overflows(dr.id, 'debit', pendingDelta, postedDelta) || overflows(cr.id, 'credit', pendingDelta, postedDelta)) {
      return refused(E['transfer.overflow'], 'the balance would exceed numeric(78,0)');
    }
    apply(
      {
        ...base,
        debitAccountId: dr.id,
        creditAccountId: cr.id,
        asset: dr.asset,
        amount,
        pendingId: null,
        pendingDelta,
        postedDelta,
        resolves: null,
      },
      pending
        ? () => {
            const timeoutAt = null; // set at commit; a pending made in this batch cannot have timed out yet
            pendings.set(t.id, {
              debitAccountId: dr.id,
              creditAccountId: cr.id,
              asset: dr.asset,
              amount,
              timeoutAt,
              state: 'pending',
            });
            return () => pendings.delete(t.id);
          }
        : undefined,
    );
    return { kind: 'new', planned: transfers[transfers.length - 1], replayed: false };
  };

  let i = 0;
  while (i < batch.length) {
    let end = i;
    while (end < batch.length && has(batch[end], 'linked')) end++;
    if (end === batch.length) {
      for (let k = i; k < batch.length; k++)
        outcomes[k] = refused(E['transfer.linked_chain_open'], 'the last transfer of a batch cannot be linked');
      break;
    }
    const mark = undo.length;
    let failed = -1;
    for (let k = i; k <= end; k++) {
      outcomes[k] = step(batch[k], k);
      if (outcomes[k].kind === 'refused') {
        failed = k;
        break;
      }
    }
    if (failed >= 0 && end > i) {
      while (undo.length > mark) must(undo.pop(), 'undo step')();
      for (let k = i; k <= end; k++) {
        if (k !== failed)
          outcomes[k] = refused(E['transfer.linked_failed'], `linked transfer ${batch[failed].id} was refused`);
      }
    }
    i = end + 1;
  }

  const deltas = new Map<string, Balances>();
  const mustBeOpen = new Set<string>();
  const delta = (id: string): Balances => {
    let d = deltas.get(id);
    if (!d) deltas.set(id, (d = { debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n }));
    return d;
  };
  for (const t of transfers) {
    const d = delta(t.debitAccountId);
    d.debitsPending += t.pendingDelta;
    d.debitsPosted += t.postedDelta;
    const c = delta(t.creditAccountId);
    c.creditsPending += t.pendingDelta;
    c.creditsPosted += t.postedDelta;
    if (t.resolves?.state !== 'voided' && t.resolves?.state !== 'expired') {
      mustBeOpen.add(t.debitAccountId);
      mustBeOpen.add(t.creditAccountId);
    }
  }
  return { outcomes, transfers, deltas, mustBeOpen };
}
