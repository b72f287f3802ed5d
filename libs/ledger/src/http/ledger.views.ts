import type { Account, Balances, InvariantReport, Transfer, TransferResult } from '../ledger.types';
import type { AccountBalancesJson, AccountJson, InvariantReportJson, TransferJson } from './ledger-wire';

/**
 * JSON views, typed by the wire schemas the API documents (ledger-wire.ts). Amounts and sequences
 * are decimal strings (never JSON numbers: a float cannot hold a uint256 or even 2^53).
 */
export const accountView = (a: Account): AccountJson => ({
  id: a.id,
  clientId: a.clientId,
  ownerId: a.ownerId,
  asset: a.asset,
  kind: a.kind,
  flags: a.flags,
  debitsPending: a.debitsPending.toString(),
  debitsPosted: a.debitsPosted.toString(),
  creditsPending: a.creditsPending.toString(),
  creditsPosted: a.creditsPosted.toString(),
  createdAt: a.createdAt.toISOString(),
});

export const balancesView = (accountId: string, b: Balances & { sequence: bigint }): AccountBalancesJson => ({
  accountId,
  sequence: b.sequence.toString(),
  debitsPending: b.debitsPending.toString(),
  debitsPosted: b.debitsPosted.toString(),
  creditsPending: b.creditsPending.toString(),
  creditsPosted: b.creditsPosted.toString(),
});

export const transferView = (t: Transfer): TransferJson => ({
  id: t.id,
  sequence: t.sequence.toString(),
  debitAccountId: t.debitAccountId,
  creditAccountId: t.creditAccountId,
  asset: t.asset,
  amount: t.amount.toString(),
  flags: t.flags,
  pendingId: t.pendingId,
  timeoutAt: t.timeoutAt?.toISOString() ?? null,
  pendingState: t.pendingState,
  code: t.code,
  metadata: t.metadata,
  createdAt: t.createdAt.toISOString(),
});

export const resultView = (r: TransferResult) =>
  r.ok
    ? { id: r.id, ok: true, replayed: r.replayed, transfer: transferView(r.transfer) }
    : { id: r.id, ok: false, code: r.code, detail: r.detail };

export const invariantView = (r: InvariantReport): InvariantReportJson => ({
  ok: r.ok,
  checkedAt: r.checkedAt.toISOString(),
  sequence: r.sequence.toString(),
  perAsset: r.perAsset.map((a) => ({
    asset: a.asset,
    balanced: a.balanced,
    debitsPending: a.debitsPending.toString(),
    creditsPending: a.creditsPending.toString(),
    debitsPosted: a.debitsPosted.toString(),
    creditsPosted: a.creditsPosted.toString(),
  })),
  violations: r.violations,
});
