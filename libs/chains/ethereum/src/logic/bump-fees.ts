import { ChainErrors } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';

/**
 * Fee caps for replacing a stuck transaction with the same nonce. Nodes accept a replacement only
 * when both the tip and the fee cap rise by at least 10%; we take the larger of that floor and
 * what the caller asks for, and refuse a bump beyond `ceiling` (a runaway fee is a loss).
 */
export function bumpFees(
  prev: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint },
  wanted: { maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint } = {},
  ceiling?: bigint,
): { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } {
  const floor = (v: bigint) => v + (v + 9n) / 10n; // ≥ +10%, rounded up
  const tip = [floor(prev.maxPriorityFeePerGas), wanted.maxPriorityFeePerGas ?? 0n].reduce((a, b) => (a > b ? a : b));
  let fee = [floor(prev.maxFeePerGas), wanted.maxFeePerGas ?? 0n].reduce((a, b) => (a > b ? a : b));
  if (fee < tip) fee = tip;
  if (ceiling !== undefined && fee > ceiling) {
    throw domainError(
      ChainErrors['withdrawal.fee_ceiling'],
      `replacement needs maxFeePerGas ${fee}, above the ceiling ${ceiling}`,
      { fee: fee.toString() },
    );
  }
  return { maxFeePerGas: fee, maxPriorityFeePerGas: tip };
}
