import { AmountErrors } from '@strongroom/shared-types';
import type { TransferInput } from '../ledger.types';
import { must } from '../must';
import { LedgerErrors } from '../ledger.errors';

/**
 * A deliberately naive reference model of the ledger's semantics, for property tests: plain
 * objects, a whole-state copy per linked chain, no planner code shared. The service (and the
 * planner) must agree with it on every result and every balance.
 */
export interface ModelAccount {
  id: string;
  asset: string;
  dmnec: boolean;
  cmned: boolean;
  dp: bigint;
  dq: bigint;
  cp: bigint;
  cq: bigint;
}

interface ModelTransfer {
  body: string;
  debit: string;
  credit: string;
  amount: bigint;
  pending: boolean;
  timeout: number;
  state: 'pending' | 'posted' | 'voided' | 'expired' | null;
}

export type ModelResult = { ok: true; replayed: boolean } | { ok: false; code: string };

interface State {
  accounts: Map<string, ModelAccount>;
  transfers: Map<string, ModelTransfer>;
}

const body = (t: TransferInput): string =>
  JSON.stringify([
    t.id,
    t.debitAccountId ?? '',
    t.creditAccountId ?? '',
    t.amount?.toString() ?? null,
    [...(t.flags ?? [])].sort(),
    t.pendingId ?? null,
    t.timeoutSeconds ?? 0,
  ]);

const clone = (s: State): State => ({
  accounts: new Map([...s.accounts].map(([k, v]) => [k, { ...v }])),
  transfers: new Map([...s.transfers].map(([k, v]) => [k, { ...v }])),
});

export class LedgerModel {
  private s: State = { accounts: new Map(), transfers: new Map() };

  addAccount(a: Omit<ModelAccount, 'dp' | 'dq' | 'cp' | 'cq'>): void {
    this.s.accounts.set(a.id, { ...a, dp: 0n, dq: 0n, cp: 0n, cq: 0n });
  }

  account(id: string): ModelAccount {
    return { ...must(this.s.accounts.get(id), 'account') };
  }

  get accounts(): ModelAccount[] {
    return [...this.s.accounts.values()].map((a) => ({ ...a }));
  }

  apply(batch: TransferInput[]): ModelResult[] {
    const out: ModelResult[] = [];
    let i = 0;
    while (i < batch.length) {
      let end = i;
      while (end < batch.length && batch[end].flags?.includes('linked')) end++;
      if (end === batch.length) {
        for (let k = i; k < batch.length; k++)
          out[k] = { ok: false, code: LedgerErrors['transfer.linked_chain_open'].code };
        break;
      }
      const saved = clone(this.s);
      let failed = -1;
      for (let k = i; k <= end; k++) {
        out[k] = this.one(batch[k]);
        if (!out[k].ok) {
          failed = k;
          break;
        }
      }
      if (failed >= 0 && end > i) {
        this.s = saved;
        for (let k = i; k <= end; k++)
          if (k !== failed) out[k] = { ok: false, code: LedgerErrors['transfer.linked_failed'].code };
      }
      i = end + 1;
    }
    return out;
  }

  /** Every pending with a timeout expires (the clock jumped past all of them). */
  expireAll(): number {
    let n = 0;
    for (const [id, t] of this.s.transfers) {
      if (t.state === 'pending' && t.timeout > 0) {
        this.release(t, 0n);
        t.state = 'expired';
        this.s.transfers.set(`expired~${id}`, {
          body: 'expiry',
          debit: t.debit,
          credit: t.credit,
          amount: t.amount,
          pending: false,
          timeout: 0,
          state: null,
        });
        n++;
      }
    }
    return n;
  }

  private release(p: ModelTransfer, posted: bigint): void {
    const d = must(this.s.accounts.get(p.debit), 'debit');
    const c = must(this.s.accounts.get(p.credit), 'credit');
    d.dp -= p.amount;
    c.cp -= p.amount;
    d.dq += posted;
    c.cq += posted;
  }

  private one(t: TransferInput): ModelResult {
    const fail = (code: string): ModelResult => ({ ok: false, code });
    const flags = t.flags ?? [];
    const resolving = flags.includes('post_pending') || flags.includes('void_pending');
    if (t.amount !== undefined && t.amount <= 0n) return fail(AmountErrors['amount.not_positive'].code);
    if (!resolving && t.debitAccountId === t.creditAccountId) return fail(LedgerErrors['transfer.accounts_same'].code);
    const existing = this.s.transfers.get(t.id);
    if (existing)
      return existing.body === body(t) ? { ok: true, replayed: true } : fail(LedgerErrors['transfer.id_conflict'].code);
    if (resolving) {
      const p = this.s.transfers.get(t.pendingId ?? '');
      if (!p) return fail(LedgerErrors['pending.not_found'].code);
      if (!p.pending) return fail(LedgerErrors['pending.not_pending'].code);
      if (p.state !== 'pending') return fail(LedgerErrors['pending.already_resolved'].code);
      const post = flags.includes('post_pending');
      if (post && t.amount !== undefined && t.amount > p.amount)
        return fail(LedgerErrors['pending.amount_exceeds'].code);
      const posted = post ? (t.amount ?? p.amount) : 0n;
      this.release(p, posted);
      p.state = post ? 'posted' : 'voided';
      this.s.transfers.set(t.id, {
        body: body(t),
        debit: p.debit,
        credit: p.credit,
        amount: post ? posted : p.amount,
        pending: false,
        timeout: 0,
        state: null,
      });
      return { ok: true, replayed: false };
    }
    const d = this.s.accounts.get(t.debitAccountId);
    const c = this.s.accounts.get(t.creditAccountId);
    if (!d || !c) return fail(LedgerErrors['account.not_found'].code);
    if (d.asset !== c.asset) return fail(LedgerErrors['transfer.asset_mismatch'].code);
    const amount = must(t.amount, 'amount');
    if (d.dmnec && d.dp + d.dq + amount > d.cq) return fail(LedgerErrors['account.debits_exceed_credits'].code);
    if (c.cmned && c.cp + c.cq + amount > c.dq) return fail(LedgerErrors['account.credits_exceed_debits'].code);
    const pending = flags.includes('pending');
    if (pending) {
      d.dp += amount;
      c.cp += amount;
    } else {
      d.dq += amount;
      c.cq += amount;
    }
    this.s.transfers.set(t.id, {
      body: body(t),
      debit: d.id,
      credit: c.id,
      amount,
      pending,
      timeout: t.timeoutSeconds ?? 0,
      state: pending ? 'pending' : null,
    });
    return { ok: true, replayed: false };
  }
}
