import { holdId } from '../core/holds';
import type { LedgerTransferInput } from '../ports';

/** The chain's native asset: the fee expense account and the account that paid the network fee
 * (custody on Bitcoin, where the fee comes out of the custody inputs; the relayer's gas budget on
 * Ethereum, where the relayer pays the gas). */
export interface NetworkFeeAccounts {
  feeExpense: string;
  networkFeePayer: string;
}

export interface SettlementAccounts extends NetworkFeeAccounts {
  /** Per asset: the in-flight clearing, custody and fee revenue accounts of the paying wallet. */
  perAsset: Map<string, { inFlight: string; custody: string; feeRevenue: string }>;
}

export interface SettledWithdrawal {
  id: string;
  asset: string;
  userAccountId: string;
  amount: bigint;
  fee: bigint;
}

/**
 * The ledger transfers that settle one confirmed batch, as ONE linked chain (all or nothing):
 *  per withdrawal  post   hold       user      → in_flight    amount + fee   (pending becomes posted)
 *                  debit  in_flight  → credit  custody        amount         (custody asset decreases)
 *                  debit  in_flight  → credit  fee_revenue    fee            (revenue increases)
 *  per batch       debit  fee_expense → credit payer          network fee    (native asset; payer =
 *                                                                  custody on Bitcoin, relayer gas on Ethereum)
 * Net: user −(amount+fee), custody −(amount) per asset (and −(network fee) on Bitcoin),
 * fee_revenue +fee, fee_expense +network fee, in_flight back to zero.
 */
export function settlementLegs(
  batchId: string,
  withdrawals: SettledWithdrawal[],
  networkFee: bigint,
  accounts: SettlementAccounts,
): LedgerTransferInput[] {
  const legs: LedgerTransferInput[] = [];
  for (const w of withdrawals) {
    const a = accounts.perAsset.get(w.asset);
    if (!a) throw new Error(`no settlement accounts for ${w.asset}`);
    legs.push({
      id: holdId(w.id, 'post'),
      debitAccountId: w.userAccountId,
      creditAccountId: a.inFlight,
      pendingId: holdId(w.id, 'hold'),
      flags: ['post_pending'],
      code: 'withdrawal_post',
      metadata: { withdrawalId: w.id, batchId },
    });
    legs.push({
      id: holdId(w.id, 'payout'),
      debitAccountId: a.inFlight,
      creditAccountId: a.custody,
      amount: w.amount,
      code: 'withdrawal_settle',
      metadata: { withdrawalId: w.id, batchId },
    });
    if (w.fee > 0n) {
      legs.push({
        id: holdId(w.id, 'fee'),
        debitAccountId: a.inFlight,
        creditAccountId: a.feeRevenue,
        amount: w.fee,
        code: 'withdrawal_fee',
        metadata: { withdrawalId: w.id, batchId },
      });
    }
  }
  if (networkFee > 0n) legs.push(networkFeeLeg(batchId, networkFee, accounts));
  return legs.map((l, i) => (i < legs.length - 1 ? { ...l, flags: [...(l.flags ?? []), 'linked'] } : l));
}

/**
 * The network fee a mined batch paid: fee_expense → payer, in the native asset, under one id per
 * batch. Booked at settlement, or with the voids when the batch failed on chain (gas is paid
 * whether or not the transaction paid anything).
 */
export function networkFeeLeg(batchId: string, fee: bigint, accounts: NetworkFeeAccounts): LedgerTransferInput {
  return {
    id: `batch:${batchId}:network_fee`,
    debitAccountId: accounts.feeExpense,
    creditAccountId: accounts.networkFeePayer,
    amount: fee,
    code: 'network_fee',
    metadata: { batchId },
  };
}
