import type { ChainHolding, HouseAccount } from '../ports';

export interface AssetReconciliation {
  asset: string;
  /** Σ user balances in the snapshot (holds included: still owed). */
  liabilities: string;
  /** Σ on-chain custody holdings at the snapshot height. */
  onChain: string;
  /** On chain at that height but not yet credited (confirming deposits). */
  incoming: string;
  /** Mined by that height but not yet settled in the ledger (withdrawals in flight). */
  outgoing: string;
  /** onChain − incoming + outgoing: the holdings the ledger should agree with. */
  effective: string;
  /** Net debit of the ledger's custody accounts of the asset. */
  ledgerCustody: string;
  /** effective − liabilities: negative is a shortfall, positive is the operator's surplus. */
  coverage: string;
  status: 'balanced' | 'discrepancy' | 'shortfall';
}

export interface Difference {
  asset: string;
  kind: 'shortfall' | 'custody_mismatch';
  amount: string;
  detail: string;
  accounts: string[];
  addresses: string[];
}

/**
 * Reconciles one asset at a snapshot: users' liabilities against what the chain holds, and the
 * ledger's custody accounts against the chain. Pure, so every rule is tested without a chain.
 */
export function reconcileAsset(input: {
  asset: string;
  liabilities: bigint;
  holdings: ChainHolding[];
  incoming: bigint;
  outgoing: bigint;
  custodyAccounts: HouseAccount[];
}): { summary: AssetReconciliation; differences: Difference[] } {
  const onChain = input.holdings.reduce((s, h) => s + h.amount, 0n);
  const effective = onChain - input.incoming + input.outgoing;
  const ledgerCustody = input.custodyAccounts.reduce((s, a) => s + a.netDebit, 0n);
  const coverage = effective - input.liabilities;
  const accounts = input.custodyAccounts.map((a) => a.accountId);
  const addresses = input.holdings.map((h) => h.address);
  const differences: Difference[] = [];
  if (coverage < 0n) {
    differences.push({
      asset: input.asset,
      kind: 'shortfall',
      amount: (-coverage).toString(),
      detail: `custody holds ${effective} (on chain ${onChain}, confirming ${input.incoming}, in flight ${input.outgoing}) but users are owed ${input.liabilities}`,
      accounts,
      addresses,
    });
  }
  if (ledgerCustody !== effective) {
    differences.push({
      asset: input.asset,
      kind: 'custody_mismatch',
      amount: (ledgerCustody - effective).toString(),
      detail: `the ledger's custody accounts say ${ledgerCustody} but the chain says ${effective}`,
      accounts,
      addresses,
    });
  }
  const status = coverage < 0n ? 'shortfall' : differences.length > 0 ? 'discrepancy' : 'balanced';
  return {
    summary: {
      asset: input.asset,
      liabilities: input.liabilities.toString(),
      onChain: onChain.toString(),
      incoming: input.incoming.toString(),
      outgoing: input.outgoing.toString(),
      effective: effective.toString(),
      ledgerCustody: ledgerCustody.toString(),
      coverage: coverage.toString(),
      status,
    },
    differences,
  };
}
