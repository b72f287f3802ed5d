/**
 * Bitcoin Core's dust threshold at the default dust relay fee (3 sat/vB): the output's size plus
 * the size of the input that would spend it (67 vB for witness programs, 148 otherwise).
 */
export function dustThreshold(script: Uint8Array, dustRelayFeeRate = 3): bigint {
  const isWitness =
    script.length >= 4 &&
    script.length <= 42 &&
    (script[0] === 0 || (script[0] >= 0x51 && script[0] <= 0x60)) &&
    script[1] === script.length - 2;
  const outputSize = 8 + 1 + script.length;
  return BigInt((outputSize + (isWitness ? 67 : 148)) * dustRelayFeeRate);
}
