import type { ChainAdapter } from '@strongroom/chains-core';
import type { Tx } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';

/**
 * Reserves the relayer's next nonce for a withdrawal batch, a sweep or a root anchor, in the transaction that
 * stores what will be signed with it: the row (chain, relayer, nonce) is unique, so two relayer
 * transactions never get the same nonce, and since the reservation commits or rolls back with
 * the stored payload, a crash leaves no gap.
 */
export async function reserveRelayerNonce(
  tx: Tx,
  adapter: ChainAdapter,
  chain: ChainId,
  relayer: string,
  owner: { batchId: string } | { sweepId: string } | { anchorId: string },
  now: Date,
): Promise<bigint> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`withdrawals:nonce:${chain}:${relayer.toLowerCase()}`]);
  const [m] = await tx.query<{ next: string | null }>(
    `SELECT (MAX(nonce) + 1)::text AS next FROM withdrawals.nonces WHERE chain = $1 AND relayer = $2`,
    [chain, relayer.toLowerCase()],
  );
  let nonce = m.next === null ? 0n : BigInt(m.next);
  const relay = adapter.capabilities.relay;
  if (relay) {
    // Anything the relayer sent outside this service (the Safe deployment) moved it on.
    const onChain = BigInt((await relay.relayerChainState(relayer)).pendingNonce);
    if (onChain > nonce) nonce = onChain;
  }
  await tx.query(
    `INSERT INTO withdrawals.nonces (chain, relayer, nonce, batch_id, sweep_id, anchor_id, reserved_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      chain,
      relayer.toLowerCase(),
      nonce.toString(),
      'batchId' in owner ? owner.batchId : null,
      'sweepId' in owner ? owner.sweepId : null,
      'anchorId' in owner ? owner.anchorId : null,
      now,
    ],
  );
  return nonce;
}
