import type { Tx } from '@strongroom/persistence';
import type { AssetCode } from '@strongroom/shared-types';

/**
 * The part of the ledger's contract (`LedgerApi` in @strongroom/ledger) deposits use, stated
 * structurally so this context depends on the contract, not on the ledger's implementation:
 * the app passes `LedgerService`, which satisfies it.
 */
export type LedgerAccountKind = 'user' | 'custody' | 'incident';

export interface LedgerAccountRef {
  id: string;
}

export interface LedgerBalances {
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export interface LedgerTransferInput {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount?: bigint;
  flags?: ('linked' | 'pending' | 'post_pending' | 'void_pending' | 'balancing_debit' | 'balancing_credit')[];
  code?: string;
  metadata?: Record<string, unknown>;
}

export type LedgerTransferResult =
  { id: string; ok: true; replayed: boolean } | { id: string; ok: false; code: string; detail: string };

export interface LedgerPort {
  openAccount(
    input: { clientId: string; ownerId: string; asset: AssetCode; kind: LedgerAccountKind },
    tx?: Tx,
  ): Promise<LedgerAccountRef>;
  findAccount(
    q: { clientId: string; ownerId: string; asset: AssetCode; kind: LedgerAccountKind },
    tx?: Tx,
  ): Promise<LedgerAccountRef | null>;
  balances(accountId: string, asOf?: undefined, tx?: Tx): Promise<LedgerBalances>;
  createTransfers(batch: LedgerTransferInput[], tx?: Tx): Promise<LedgerTransferResult[]>;
}

/** Finds the account or opens it, inside `tx`. */
export async function accountFor(
  ledger: LedgerPort,
  q: { clientId: string; ownerId: string; asset: AssetCode; kind: LedgerAccountKind },
  tx: Tx,
): Promise<string> {
  const found = await ledger.findAccount(q, tx);
  if (found) return found.id;
  return (await ledger.openAccount(q, tx)).id;
}
