import type { AssetCode, ChainId } from '@strongroom/shared-types';

/** What custody holds on chain for one asset, as the app can read it cheaply and live. */
export interface OnChainReading {
  /** Base units held by every custody address of the asset that the reader knows of. */
  amount: bigint;
  /** Where the number comes from, for the incident and the audit record (e.g. `bitcoin:utxo-set@812345`). */
  source: string;
}

/**
 * The app's on-chain view for the solvency gate. `null` = this deployment cannot read that asset's
 * holdings cheaply (the gate then relies on the ledger's custody accounts for it, and says so).
 */
export interface OnChainHoldings {
  holdings(chain: ChainId, asset: AssetCode): Promise<OnChainReading | null>;
}
export const SOLVENCY_HOLDINGS = Symbol('SOLVENCY_HOLDINGS');

/** The figures a gate decision rests on, base units. */
export interface SolvencyFigures {
  asset: AssetCode;
  /** Σ user accounts + Σ in_flight accounts, posted credit balance (holds are still owed). */
  liabilities: bigint;
  /** Σ custody accounts, posted debit balance. */
  custodyLedger: bigint;
  /** On-chain holdings plus what batches already signed are paying out (null = not read). */
  onChain: { amount: bigint; outgoing: bigint; source: string } | null;
}

export type SolvencyVerdict =
  | { ok: true; figures: SolvencyFigures[] }
  | {
      ok: false;
      asset: AssetCode;
      reason: 'ledger_shortfall' | 'onchain_shortfall' | 'hold_invalid';
      detail: Record<string, unknown>;
    };
