import type { Transfer, TransferResult } from './ledger.types';
import { publicTransfer } from './ledger.rows';
import { decodeFlags } from './transfer-flags';
import type { PendingState, Place, PlannedTransfer, Plan, PlanItem } from './transfer-planner';
import type { LedgerSequencer } from './sequencer';
import { must } from './must';

/**
 * A batch's results as its transaction knows them: each new (or not yet stamped) transfer has a
 * place, `(ticket, ord)`, but no sequence until the sequencer stamps its batch after commit.
 */
export interface Drafts {
  results: TransferResult[];
  places: (Place | null)[];
}

/** How a batch was written: its ticket, when, and its first sequence if it was stamped inline. */
export interface Written {
  ticket: bigint;
  writtenAt: Date;
  firstSequence: bigint | null;
}

/** The results of a planned batch (written null: nothing was written). */
export function draftResults(batch: readonly PlanItem[], outcomes: Plan['outcomes'], written: Written | null): Drafts {
  const position = new Map<PlannedTransfer, number>();
  const finalState = new Map<string, PendingState>();
  let pos = 0;
  for (const o of outcomes) {
    if (o.kind === 'new' && !o.replayed) {
      position.set(o.planned, ++pos);
      if (o.planned.resolves) finalState.set(o.planned.resolves.pendingId, o.planned.resolves.state);
    }
  }
  const places: (Place | null)[] = [];
  const results = outcomes.map((o, i): TransferResult => {
    const id = batch[i].id;
    if (o.kind === 'refused') {
      places.push(null);
      return { id, ok: false as const, code: o.code, detail: o.detail };
    }
    if (o.kind === 'replay') {
      places.push(o.transfer.place ?? null);
      const t = publicTransfer(o.transfer);
      if (finalState.has(t.id)) t.pendingState = must(finalState.get(t.id), 'state');
      return { id, ok: true as const, transfer: t, replayed: true };
    }
    const p = o.planned;
    const w = must(written, 'written');
    const ord = must(position.get(p), 'position');
    places.push(w.firstSequence === null ? { ticket: w.ticket, ord } : null);
    const pending = p.pendingDelta > 0n;
    const writtenAt = w.writtenAt;
    const transfer: Transfer = {
      id: p.id,
      sequence: w.firstSequence === null ? 0n : w.firstSequence + BigInt(ord) - 1n,
      debitAccountId: p.debitAccountId,
      creditAccountId: p.creditAccountId,
      asset: p.asset,
      amount: p.amount,
      flags: decodeFlags(p.flags),
      pendingId: p.pendingId,
      timeoutAt: pending && p.timeoutSeconds > 0 ? new Date(writtenAt.getTime() + p.timeoutSeconds * 1000) : null,
      pendingState: pending ? (finalState.get(p.id) ?? 'pending') : null,
      code: p.code,
      metadata: p.metadata,
      createdAt: writtenAt,
    };
    return { id, ok: true as const, transfer, replayed: o.replayed };
  });
  return { results, places };
}

/** The results with their sequences, once committed: waits for the sequencer to stamp their batches. */
export async function placeResults(sequencer: LedgerSequencer, drafts: Drafts): Promise<TransferResult[]> {
  const tickets = drafts.places.flatMap((p) => (p ? [p.ticket] : []));
  if (tickets.length === 0) return drafts.results;
  const stamps = await sequencer.stamps(tickets);
  return drafts.results.map((r, i) => {
    const p = drafts.places[i];
    if (!p || !r.ok) return r;
    const s = must(stamps.get(p.ticket), 'stamp');
    return { ...r, transfer: { ...r.transfer, sequence: s.firstSequence + BigInt(p.ord) - 1n } };
  });
}
