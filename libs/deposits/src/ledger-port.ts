import type { Tx } from '@strongroom/persistence';
import type { AccountKind, LedgerApi, TransferInput } from '@strongroom/ledger';
import type { AssetCode } from '@strongroom/shared-types';

/**
 * The part of the ledger's contract deposits use, derived from `LedgerApi` so it cannot drift
 * from the ledger: the app passes `LedgerService`.
 */
export type LedgerPort = Pick<LedgerApi, 'openAccount' | 'findAccount' | 'balances' | 'createTransfers'>;

export type LedgerTransferInput = TransferInput;

/** Finds the account or opens it, inside `tx`. */
export async function accountFor(
  ledger: LedgerPort,
  q: { clientId: string; ownerId: string; asset: AssetCode; kind: AccountKind },
  tx: Tx,
): Promise<string> {
  const found = await ledger.findAccount(q, tx);
  if (found) return found.id;
  return (await ledger.openAccount(q, tx)).id;
}
