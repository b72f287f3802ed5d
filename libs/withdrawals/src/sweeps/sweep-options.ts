/** How a chain's deposit addresses are swept into custody (ChainPipelineOptions.sweep). */
export interface SweepOptions {
  /**
   * Per asset, the balance in base units at which a deposit address is worth sweeping. An asset
   * without a threshold never makes an address due; the chain's native asset moves along with
   * any sweep of its address.
   */
  thresholds: Record<string, bigint>;
  /** How often candidate balances are read and sweeps planned. Default 60 s. */
  intervalMs?: number;
  /** Deposit addresses per sweep transaction. Default 50. */
  maxAddresses?: number;
  /** Candidate balances read per wallet and planning round. Default 500. */
  maxChecks?: number;
  /** Highest maxFeePerGas (wei) a sweep may offer; above it sweeps wait — they are never urgent. */
  maxFeePerGas?: bigint;
  /** After a reverted sweep its addresses wait this long before the next try. Default 1 h. */
  retryAfterMs?: number;
}
