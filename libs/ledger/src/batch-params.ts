import type { Plan, PlanItem } from './transfer-planner';
import { must } from './must';

const str = (v: bigint) => v.toString();

/** Account ids compared in canonical (lower-case) form. */
export function canonical(batch: readonly PlanItem[]): PlanItem[] {
  return batch.map((t) => ({
    ...t,
    debitAccountId: typeof t.debitAccountId === 'string' ? t.debitAccountId.toLowerCase() : t.debitAccountId,
    creditAccountId: typeof t.creditAccountId === 'string' ? t.creditAccountId.toLowerCase() : t.creditAccountId,
  }));
}

/**
 * A plan as the arrays `apply_batch` and `apply_fast` unnest: the new transfers (13 columns),
 * the pendings they open (2), and one aggregated delta per account (5).
 */
export function planArrays(plan: Plan): { transfers: unknown[][]; opened: unknown[][]; deltas: unknown[][] } {
  const ts = plan.transfers;
  const opened = ts.filter((t) => t.pendingDelta > 0n);
  const ids = [...plan.deltas.keys()];
  const d = ids.map((id) => must(plan.deltas.get(id), 'delta'));
  return {
    transfers: [
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
    ],
    opened: [opened.map((t) => t.id), opened.map((t) => t.timeoutSeconds)],
    deltas: [
      ids,
      d.map((x) => str(x.debitsPending)),
      d.map((x) => str(x.debitsPosted)),
      d.map((x) => str(x.creditsPending)),
      d.map((x) => str(x.creditsPosted)),
    ],
  };
}

/** `$from::type[], …` for the given array types. */
export function arrayParams(types: readonly string[], from = 1): string {
  return types.map((t, i) => `$${from + i}::${t}[]`).join(', ');
}

export const TRANSFER_TYPES = [
  'text',
  'uuid',
  'uuid',
  'text',
  'numeric',
  'int',
  'text',
  'int',
  'text',
  'text',
  'numeric',
  'numeric',
  'text',
] as const;
export const OPENED_TYPES = ['text', 'int'] as const;
export const DELTA_TYPES = ['uuid', 'numeric', 'numeric', 'numeric', 'numeric'] as const;
