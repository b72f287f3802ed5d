/**
 * The nonce to reserve for the relayer's next transaction: above every nonce already reserved in
 * the database (signed or not — a reserved nonce is never reused) and not below the chain's
 * pending count (transactions sent outside Strongroom). The caller inserts the reservation row in
 * the same database transaction that reads `highestReserved`, under a lock per relayer.
 */
export function nextRelayerNonce(chainPendingNonce: number, highestReserved: number | null): number {
  if (!Number.isSafeInteger(chainPendingNonce) || chainPendingNonce < 0) throw new Error('bad chain nonce');
  return highestReserved === null ? chainPendingNonce : Math.max(chainPendingNonce, highestReserved + 1);
}
