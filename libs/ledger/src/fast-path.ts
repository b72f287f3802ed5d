import type { Account } from './ledger.types';
import { planBatch, type Plan, type PlanItem } from './transfer-planner';
import { UUID } from './transfer-input';

/** What never changes about an account once it exists (closing aside): cached by the service. */
export interface AccountMeta {
  asset: string;
  flags: Account['flags'];
}

/**
 * Balances far from every flag and from numeric(78,0)'s limit: planned against them, a batch
 * passes every balance check, which `ledger.apply_fast` then makes against the real rows.
 */
const ROOM = 10n ** 77n;

const plain = (t: PlanItem): boolean =>
  !t.expire &&
  (t.flags === undefined ||
    (Array.isArray(t.flags) &&
      !t.flags.some((f) => f === 'post_pending' || f === 'void_pending' || f.startsWith('balancing'))));

/**
 * The batch planned without reading anything, when that can be right: only plain transfers and
 * pendings (nothing that resolves a pending or is sized by a balance), between accounts whose
 * asset and flags are known, with every transfer accepted when balances do not matter. What it
 * cannot know — ids already used, accounts closed, flags the real balances would break — the
 * database checks in the same statement, and falls back to the full path. Null: use the full path.
 */
export function planFast(
  items: readonly PlanItem[],
  meta: (id: string) => AccountMeta | undefined,
  now: Date,
): Plan | null {
  const accounts = new Map<string, Account>();
  for (const t of items) {
    if (!plain(t)) return null;
    for (const id of [t.debitAccountId, t.creditAccountId]) {
      if (typeof id !== 'string' || !UUID.test(id)) return null;
      if (accounts.has(id)) continue;
      const m = meta(id);
      if (!m) return null;
      accounts.set(id, {
        id,
        clientId: '',
        ownerId: '',
        asset: m.asset,
        kind: 'user',
        flags: { ...m.flags, closed: false },
        debitsPending: 0n,
        debitsPosted: m.flags.creditsMustNotExceedDebits ? ROOM : 0n,
        creditsPending: 0n,
        creditsPosted: m.flags.debitsMustNotExceedCredits ? ROOM : 0n,
        createdAt: now,
      });
    }
  }
  const plan = planBatch(items, { accounts, known: new Map(), now });
  return plan.outcomes.every((o) => o.kind === 'new') ? plan : null;
}
