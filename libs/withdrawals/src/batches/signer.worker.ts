import {
  IntentMismatchError,
  type ChainAdapter,
  type DigestSignature,
  type SignedChainTx,
  type UnsignedChainTx,
  type WithdrawalBatch,
} from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import { assertSolventBeforeSigning } from '../solvency/solvency-gate';
import type { WithdrawalRow } from '../withdrawal-row';
import { batchInput, storedUnsigned, type BatchRow } from './batch-row';
import type { FaultHook } from '../core/fault-points';
import { BATCHES, claimLeased, releaseSigning } from '../relayer/relayed-tx';
import { buildReserving } from './outpoint-reservations';
import { failBatch } from './fail-batch';
import { signDigests } from '../relayer/sign-digests';
import { adapterFor, type WorkerDeps } from '../core/deps';
import { reserveRelayerNonce } from '../relayer/relayer-nonces';
import { runTx } from '../core/run-tx';
import { transition } from '../core/transition';
import { refusesBatchForGood, UnbuildableBatch } from './unbuildable-batch';

export interface SignerOptions {
  chain: ChainId;
  leaseMs: number;
  /** Chain fee policy handed to the adapter (fee rate, EIP-1559 caps). */
  feePolicy?: Record<string, string>;
  /**
   * One unconfirmed batch per wallet at a time. Needed on Ethereum, where each Safe transaction
   * takes the Safe's next nonce and the relayer's next nonce.
   */
  sequential: boolean;
}

/**
 * Moves batches from `batched` to `signed` in two durable steps:
 *  1. prepare (one transaction): build the unsigned transaction, run the intent check, reserve
 *     the relayer nonce, store the payload and its digests, move to `signing`;
 *  2. sign (under a lease): re-run the intent check on the STORED payload, ask the signer for
 *     each digest, finalise, and store the signed transaction in `signed` before anyone
 *     broadcasts it. A crash in step 2 re-signs the same stored payload: same inputs, same txid.
 */
export class SignerWorker {
  constructor(
    private readonly deps: WorkerDeps,
    private readonly opts: SignerOptions,
    private readonly fault?: FaultHook,
  ) {}

  async runOnce(): Promise<{ prepared: string | null; signed: string | null }> {
    const prepared = await this.refuseMismatch('batched', () => this.prepare());
    if (prepared) await this.fault?.('signer.after_prepare', { batchId: prepared });
    const signed = await this.refuseMismatch('signing', () => this.sign());
    return { prepared, signed };
  }

  /**
   * An intent mismatch is never retried, nor a batch the adapter refuses to build for good (it
   * would block every later batch of the chain): the batch fails, holds are voided, the audit log
   * says why (`intent_mismatch`, or the adapter's code such as `asset.unknown`).
   */
  private async refuseMismatch(
    from: 'batched' | 'signing',
    step: () => Promise<string | null>,
  ): Promise<string | null> {
    try {
      return await step();
    } catch (err) {
      if (err instanceof UnbuildableBatch) {
        await failBatch(this.deps, err.batchId, from, err.code, err.detail);
        throw err;
      }
      if (!(err instanceof IntentMismatchError)) throw err;
      const batchId = (err.extra.batchId as string | undefined) ?? null;
      if (batchId) await failBatch(this.deps, batchId, from, 'intent_mismatch', err.detail);
      throw err;
    }
  }

  async prepare(): Promise<string | null> {
    const { deps, opts } = this;
    const adapter = adapterFor(deps, opts.chain);
    return runTx(deps, async (tx) => {
      const [b] = await tx.query<BatchRow>(
        `SELECT * FROM withdrawals.batches b WHERE status = 'batched' AND chain = $1
           AND (NOT $2::boolean OR NOT EXISTS (SELECT 1 FROM withdrawals.batches o WHERE o.wallet_id = b.wallet_id AND o.chain = b.chain
                AND o.status IN ('signing', 'signed', 'broadcast')))
         ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [opts.chain, opts.sequential],
      );
      if (!b) return null;
      const ws = await tx.query<WithdrawalRow>(
        `SELECT * FROM withdrawals.withdrawals WHERE batch_id = $1 AND status = 'batched' ORDER BY seq FOR UPDATE`,
        [b.id],
      );
      const now = deps.clock.now();
      if (ws.length === 0) {
        await tx.query(`UPDATE withdrawals.batches SET status = 'cancelled', updated_at = $2 WHERE id = $1`, [
          b.id,
          now,
        ]);
        return null;
      }
      const feePolicy: Record<string, string> = { ...(opts.feePolicy ?? {}) };
      let nonce: bigint | null = null;
      const relayer = b.wallet.relayerAddress ?? null;
      if (relayer) {
        nonce = await reserveRelayerNonce(tx, adapter, opts.chain, relayer, { batchId: b.id }, now);
        feePolicy.relayerNonce = nonce.toString();
      }
      const input = batchInput({ ...b, fee_policy: feePolicy }, ws);
      // UTXO chains: the chosen outpoints are reserved in this transaction (outpoint-reservations.ts).
      const unsigned = await buildReserving(tx, adapter, opts.chain, input, now).catch((err: unknown) => {
        // Rolls this transaction back (nonce and outpoint reservations included); the batch is failed after it.
        throw refusesBatchForGood(err) ? new UnbuildableBatch(b.id, err) : err;
      });
      // The builder is not trusted: decode what it produced before storing anything to sign.
      checkIntentOf(adapter, unsigned, input);
      await tx.query(
        `UPDATE withdrawals.batches SET status = 'signing', unsigned_payload = $2, digests = $3::jsonb, network_fee = $4, fee_policy = $5::jsonb,
           relayer = $6, nonce = $7, lease_until = NULL, updated_at = $8 WHERE id = $1`,
        [
          b.id,
          unsigned.payload,
          JSON.stringify(unsigned.digests),
          unsigned.fee.toString(),
          JSON.stringify(feePolicy),
          relayer,
          nonce?.toString() ?? null,
          now,
        ],
      );
      for (const w of ws) {
        await transition(tx, deps, w.id, 'batched', 'signing', {
          actor: SYSTEM_ACTOR,
          detail: { batchId: b.id, digests: unsigned.digests.length, nonce: nonce?.toString() ?? null },
        });
      }
      await this.fault?.('signer.prepare.before_commit', { batchId: b.id });
      return b.id;
    });
  }

  async sign(): Promise<string | null> {
    const { deps, opts } = this;
    const adapter = adapterFor(deps, opts.chain);
    const claimed = await deps.db.transaction(async (tx) => {
      const b = await claimLeased<BatchRow>(tx, BATCHES, opts.chain, 'signing', deps.clock.now(), opts.leaseMs);
      if (!b) return null;
      const ws = await tx.query<WithdrawalRow>(
        `SELECT * FROM withdrawals.withdrawals WHERE batch_id = $1 AND status = 'signing' ORDER BY seq`,
        [b.id],
      );
      return { b, ws };
    });
    if (!claimed) return null;
    const { b, ws } = claimed;
    const unsigned = storedUnsigned(b);
    const input = batchInput(b, ws);
    // Intent check on exactly what is about to be signed, before the first digest leaves.
    checkIntentOf(adapter, unsigned, input);
    // Solvency gate (defence in depth): liabilities backed and the holds pending, or nothing of the asset is signed.
    await assertSolventBeforeSigning(deps, b, ws);
    let signed: SignedChainTx;
    let final: UnsignedChainTx;
    let signatures: DigestSignature[];
    try {
      ({ signed, final, signatures } = await this.signStored(adapter, b, unsigned, input));
    } catch (err) {
      // Nothing was stored or sent: free the lease so the next round retries at once.
      await releaseSigning(deps, BATCHES, b.id, err);
      throw err;
    }
    await this.fault?.('signer.after_sign', { batchId: b.id });
    await runTx(deps, async (tx) => {
      const now = deps.clock.now();
      const moved = await tx.query(
        `UPDATE withdrawals.batches SET status = 'signed', signatures = $2::jsonb, signed_raw = $3, txid = $4, lease_until = NULL, updated_at = $5,
           relay_payload = $6, relay_digests = $7::jsonb, network_fee = CASE WHEN $8::numeric > 0 THEN $8::numeric ELSE network_fee END
          WHERE id = $1 AND status = 'signing' RETURNING id`,
        [
          b.id,
          JSON.stringify(signatures),
          signed.raw,
          signed.txid,
          now,
          final === unsigned ? null : final.payload,
          final === unsigned ? null : JSON.stringify(final.digests),
          final.fee.toString(),
        ],
      );
      if (moved.length === 0) return; // another signer finished first after our lease ran out
      for (const w of ws)
        await transition(tx, deps, w.id, 'signing', 'signed', {
          actor: SYSTEM_ACTOR,
          detail: { batchId: b.id, txid: signed.txid },
        });
    });
    return b.id;
  }

  private async signStored(
    adapter: ChainAdapter,
    b: BatchRow,
    unsigned: UnsignedChainTx,
    input: WithdrawalBatch,
  ): Promise<{ signed: SignedChainTx; final: UnsignedChainTx; signatures: DigestSignature[] }> {
    const { deps } = this;
    const signWith = (publicKey: string, digest: string) => deps.signer.sign(b.wallet_id, publicKey, digest);
    let signatures = await signDigests(unsigned, b.wallet.threshold, signWith);
    let final = unsigned;
    const relay = adapter.capabilities.relay;
    if (relay && b.relayer && b.nonce !== null) {
      // Second round: the relayer's transaction carrying the owners' signatures, at the nonce
      // reserved when the batch moved to `signing`; checked like the first round before signing.
      const relayerPublicKey = b.wallet.relayerPublicKey;
      if (!relayerPublicKey) throw new Error(`wallet ${b.wallet_id} has a relayer address but no relayer public key`);
      const fees = await relay.relayerChainState(b.relayer);
      final = await relay.prepareRelay(unsigned, signatures, {
        relayerPublicKey,
        nonce: Number(b.nonce),
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      });
      checkIntentOf(adapter, final, input);
      signatures = await signDigests(final, 1, signWith);
    }
    const signed = await adapter.finalize(final, signatures);
    return { signed, final, signatures };
  }
}

/** Runs the adapter's intent check, naming the batch in the error so it can be failed. */
function checkIntentOf(adapter: ChainAdapter, unsigned: UnsignedChainTx, input: WithdrawalBatch): void {
  try {
    adapter.checkIntent(unsigned, input);
  } catch (err) {
    if (err instanceof IntentMismatchError)
      throw new IntentMismatchError(err.detail, { ...err.extra, batchId: input.id });
    throw err;
  }
}
