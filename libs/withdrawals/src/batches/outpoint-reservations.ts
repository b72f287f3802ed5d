import {
  hasCapabilities,
  type AdapterWith,
  type ChainAdapter,
  type UnsignedChainTx,
  type WithdrawalBatch,
} from '@strongroom/chains-core';
import type { Tx } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';
import type { BatchRow } from './batch-row';
import type { PipelineDeps } from '../core/deps';

/** Another signer reserved one of the outpoints first: this build is rolled back and made again. */
export class OutpointTaken extends Error {
  constructor(
    readonly batchId: string,
    readonly outpoints: string[],
  ) {
    super(`batch ${batchId}: outpoint(s) ${outpoints.join(', ')} already belong to another batch; selecting again`);
  }
}

/**
 * Serialises coin selection per UTXO chain across every replica (transaction-scoped advisory
 * lock): two signers never build from the same snapshot of reservations. The primary key on
 * (chain, outpoint) is what guarantees one owner; the lock only spares a wasted build.
 */
async function lockCoinSelection(tx: Tx, chain: ChainId): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('withdrawals.coin_selection'), hashtext($1))`, [chain]);
}

/** Outpoints owned by batches of this chain (any batch that may still spend them). */
async function takenOutpoints(tx: Tx, chain: ChainId): Promise<Set<string>> {
  const rows = await tx.query<{ outpoint: string }>(
    `SELECT outpoint FROM withdrawals.outpoint_reservations WHERE chain = $1`,
    [chain],
  );
  return new Set(rows.map((r) => r.outpoint));
}

/** Records the batch as the one owner of `outpoints`, in the caller's transaction; throws OutpointTaken if any has another. */
export async function reserveOutpoints(
  tx: Tx,
  chain: ChainId,
  batchId: string,
  outpoints: string[],
  now: Date,
): Promise<void> {
  const mine = await tx.query<{ outpoint: string }>(
    `INSERT INTO withdrawals.outpoint_reservations (chain, outpoint, batch_id, reserved_at)
       SELECT $1, o, $2, $4 FROM unnest($3::text[]) AS o
     ON CONFLICT (chain, outpoint) DO UPDATE SET batch_id = EXCLUDED.batch_id WHERE withdrawals.outpoint_reservations.batch_id = EXCLUDED.batch_id
     RETURNING outpoint`,
    [chain, batchId, outpoints, now],
  );
  if (mine.length !== outpoints.length) {
    const got = new Set(mine.map((r) => r.outpoint));
    throw new OutpointTaken(
      batchId,
      outpoints.filter((o) => !got.has(o)),
    );
  }
}

/** Frees a batch's outpoints (it failed, or it is confirmed and its inputs are spent for good). */
export async function releaseOutpoints(tx: Tx, batchId: string): Promise<void> {
  await tx.query(`DELETE FROM withdrawals.outpoint_reservations WHERE batch_id = $1`, [batchId]);
}

/**
 * At start: every batch that may still spend its inputs (`signing`, `signed`, `broadcast`) owns
 * them, rebuilt from its stored payload. Covers batches stored before reservations existed; when
 * two stored batches claim one outpoint (the state a lost in-memory reservation left behind), the
 * older keeps it and the other is reported, to be judged a conflict from the chain.
 */
export async function restoreReservations(
  deps: PipelineDeps,
  adapter: AdapterWith<'utxo'>,
  chain: ChainId,
): Promise<{ restored: number; contested: string[] }> {
  const batches = await deps.db.query<BatchRow>(
    `SELECT * FROM withdrawals.batches b WHERE chain = $1 AND status IN ('signing', 'signed', 'broadcast') AND unsigned_payload IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM withdrawals.outpoint_reservations r WHERE r.batch_id = b.id) ORDER BY seq`,
    [chain],
  );
  let restored = 0;
  const contested: string[] = [];
  for (const b of batches) {
    const outpoints = adapter.capabilities.utxo.spentOutpoints(b.unsigned_payload as string);
    await deps.db.transaction(async (tx) => {
      const rows = await tx.query<{ outpoint: string }>(
        `INSERT INTO withdrawals.outpoint_reservations (chain, outpoint, batch_id, reserved_at) SELECT $1, o, $2, $4 FROM unnest($3::text[]) AS o
         ON CONFLICT (chain, outpoint) DO NOTHING RETURNING outpoint`,
        [chain, b.id, outpoints, deps.clock.now()],
      );
      restored += rows.length;
      if (rows.length < outpoints.length) contested.push(b.id);
    });
  }
  return { restored, contested };
}

/**
 * Builds a batch's transaction. On a UTXO chain, under the coin-selection lock: the outpoints
 * other batches own are excluded and the chosen ones recorded as this batch's, in the caller's
 * transaction (the one that moves the batch to `signing`), so they commit or roll back together.
 */
export async function buildReserving(
  tx: Tx,
  adapter: ChainAdapter,
  chain: ChainId,
  input: WithdrawalBatch,
  now: Date,
): Promise<UnsignedChainTx> {
  if (!hasCapabilities(adapter, 'utxo')) return adapter.buildWithdrawal(input);
  await lockCoinSelection(tx, chain);
  const unsigned = await adapter.capabilities.utxo.buildAvoiding(input, await takenOutpoints(tx, chain));
  await reserveOutpoints(tx, chain, input.id, adapter.capabilities.utxo.spentOutpoints(unsigned.payload), now);
  return unsigned;
}
