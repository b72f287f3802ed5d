import type { Tx } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';
import type { LedgerTransferInput, WithdrawalLedger } from '../ports';
import type { WithdrawalRow } from '../withdrawal-row';
import type { LedgerAccounts } from './ledger-accounts';

/** Deterministic ledger transfer ids of a withdrawal: retries of any step have one effect. */
export function holdId(withdrawalId: string, leg: 'hold' | 'void' | 'post' | 'payout' | 'fee'): string {
  return `withdrawal:${withdrawalId}:${leg}`;
}

/** The pending transfer a request places: user → in_flight, amount + withdrawal fee. */
export function holdTransfer(
  withdrawalId: string,
  accounts: { user: string; inFlight: string },
  amount: bigint,
): LedgerTransferInput {
  return {
    id: holdId(withdrawalId, 'hold'),
    debitAccountId: accounts.user,
    creditAccountId: accounts.inFlight,
    amount,
    flags: ['pending'],
    code: 'withdrawal_hold',
    metadata: { withdrawalId },
  };
}

/** Voids a withdrawal's pending hold (reject, cancel, fail). Idempotent by its transfer id. */
export async function voidHold(
  tx: Tx,
  deps: { ledger: WithdrawalLedger; accounts: LedgerAccounts },
  w: Pick<WithdrawalRow, 'id' | 'client_id' | 'user_id' | 'asset' | 'chain'>,
): Promise<void> {
  const user = await deps.accounts.user(tx, w.client_id, w.user_id, w.asset);
  const inFlight = await deps.accounts.inFlight(tx, w.chain as ChainId, w.asset);
  const [r] = await deps.ledger.createTransfers(
    [
      {
        id: holdId(w.id, 'void'),
        debitAccountId: user,
        creditAccountId: inFlight,
        pendingId: holdId(w.id, 'hold'),
        flags: ['void_pending'],
        code: 'withdrawal_void',
        metadata: { withdrawalId: w.id },
      },
    ],
    tx,
  );
  if (!r.ok) throw new Error(`the ledger refused to void the hold of withdrawal ${w.id}: ${r.code} ${r.detail}`);
}
