/**
 * Worst-case weight of spending one custody P2WSH input: outpoint, empty scriptSig and sequence
 * (41 bytes ×4), then the witness: item count, the empty CHECKMULTISIG dummy, `threshold`
 * signatures of at most 72 bytes (low-S DER ≤ 71 + sighash byte) and the witness script.
 */
export function custodyInputWeight(threshold: number, witnessScriptLength: number): number {
  const varint = (n: number) => (n < 0xfd ? 1 : 3);
  const items = 1 + threshold + 1;
  const witness = varint(items) + 1 + threshold * (1 + 72) + varint(witnessScriptLength) + witnessScriptLength;
  return 41 * 4 + witness;
}
