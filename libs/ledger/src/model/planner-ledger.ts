import type { Account, TransferResult } from '../ledger.types';
import { planBatch, type KnownTransfer, type PlanItem } from '../transfer-planner';
import { decodeFlags } from '../transfer-flags';
import { must } from '../must';

/**
 * The planner driven against in-memory maps instead of the database: the same decisions the
 * service makes, applied the way the service's SQL applies them (deltas to rows, new rows,
 * pending states). Lets property tests run tens of thousands of sequences in seconds.
 */
export class PlannerLedger {
  readonly accounts = new Map<string, Account>();
  readonly transfers = new Map<string, KnownTransfer>();
  private sequence = 0n;

  addAccount(a: Account): void {
    this.accounts.set(a.id, { ...a });
  }

  apply(batch: PlanItem[], now = new Date(0)): TransferResult[] {
    const plan = planBatch(batch, { accounts: this.accounts, known: this.transfers, now });
    const committed = new Map<string, KnownTransfer>();
    for (const p of plan.transfers) {
      const t: KnownTransfer = {
        id: p.id,
        sequence: ++this.sequence,
        debitAccountId: p.debitAccountId,
        creditAccountId: p.creditAccountId,
        asset: p.asset,
        amount: p.amount,
        flags: decodeFlags(p.flags),
        pendingId: p.pendingId,
        timeoutAt:
          p.pendingDelta > 0n && p.timeoutSeconds > 0 ? new Date(now.getTime() + p.timeoutSeconds * 1000) : null,
        pendingState: p.pendingDelta > 0n ? 'pending' : null,
        code: p.code,
        metadata: p.metadata,
        createdAt: now,
        bodyHash: p.bodyHash,
      };
      this.transfers.set(t.id, t);
      committed.set(t.id, t);
      if (p.resolves) must(this.transfers.get(p.resolves.pendingId), 'pending').pendingState = p.resolves.state;
    }
    for (const [id, d] of plan.deltas) {
      const a = must(this.accounts.get(id), 'account');
      a.debitsPending += d.debitsPending;
      a.debitsPosted += d.debitsPosted;
      a.creditsPending += d.creditsPending;
      a.creditsPosted += d.creditsPosted;
    }
    return plan.outcomes.map((o, i) => {
      const id = batch[i].id;
      if (o.kind === 'refused') return { id, ok: false, code: o.code, detail: o.detail };
      if (o.kind === 'replay') return { id, ok: true, transfer: o.transfer, replayed: true };
      return { id, ok: true, transfer: must(committed.get(o.planned.id), 'committed transfer'), replayed: o.replayed };
    });
  }

  /** The sweeper's work at time `now`. */
  expire(now: Date): number {
    const due = [...this.transfers.values()].filter(
      (t) => t.pendingState === 'pending' && t.timeoutAt && t.timeoutAt <= now,
    );
    const items: PlanItem[] = due.map((t) => ({
      id: `expired~${t.id}`,
      debitAccountId: '',
      creditAccountId: '',
      flags: ['void_pending'],
      pendingId: t.id,
      code: 'expired',
      expire: true,
    }));
    return items.length ? this.apply(items, now).filter((r) => r.ok).length : 0;
  }
}
