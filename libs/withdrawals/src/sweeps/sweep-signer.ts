import { IntentMismatchError } from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import type { FaultHook } from '../core/fault-points';
import type { WorkerDeps } from '../core/deps';
import { signAndFinalize } from '../relayer/sign-digests';
import { claimLeased, noteError, releaseSigning, sendStored, SWEEPS } from '../relayer/relayed-tx';
import { audit, auditActor, runTx } from '../core/run-tx';
import { sweepEvents } from './sweep-metrics';
import { storedSweep, type SweepAdapter, type SweepRow } from './sweep-row';

/**
 * Signs and sends prepared sweeps, as the withdrawal signer and broadcaster do for batches: the
 * intent check runs again on the STORED relayer transaction before its digest goes to KMS, the
 * signed bytes are stored before they are sent, and only stored bytes are ever sent, so a crash
 * anywhere re-sends the same transaction (same nonce, same txid).
 */
export class SweepSigner {
  constructor(
    private readonly deps: WorkerDeps,
    private readonly adapter: SweepAdapter,
    private readonly opts: { chain: ChainId; leaseMs: number },
    private readonly fault?: FaultHook,
  ) {}

  async sign(): Promise<string | null> {
    const { deps, opts, adapter } = this;
    const s = await deps.db.transaction((tx) =>
      claimLeased<SweepRow>(tx, SWEEPS, opts.chain, 'signing', deps.clock.now(), opts.leaseMs),
    );
    if (!s) return null;
    const unsigned = storedSweep(s);
    try {
      adapter.capabilities.sweep.checkSweepIntent(unsigned, s.wallet, s.tags, s.assets);
      const signed = await signAndFinalize(adapter, deps.signer, s.wallet_id, unsigned);
      await this.fault?.('sweeper.after_sign', { sweepId: s.id });
      await deps.db.query(
        `UPDATE withdrawals.sweeps SET status = 'signed', signed_raw = $2, txid = $3, lease_until = NULL, last_error = NULL, updated_at = $4 WHERE id = $1 AND status = 'signing'`,
        [s.id, signed.raw, signed.txid, deps.clock.now()],
      );
    } catch (err) {
      // A stored payload that fails its intent check is never signed, whatever a retry does.
      if (err instanceof IntentMismatchError) await this.refuse(s, err);
      // Otherwise nothing was stored or sent: free the lease so a later round retries.
      else await releaseSigning(deps, SWEEPS, s.id, err);
      throw err;
    }
    return s.id;
  }

  /**
   * Fails a sweep whose stored transaction is not what was planned: nothing was signed, so its
   * relayer nonce is left to the nonce filler, the wallet's open-sweep slot is freed and its
   * addresses stay candidates for a freshly built sweep.
   */
  private async refuse(s: SweepRow, err: IntentMismatchError): Promise<void> {
    const { deps } = this;
    const refused = await runTx(deps, async (tx) => {
      const moved = await tx.query(
        `UPDATE withdrawals.sweeps SET status = 'failed', failure = $2, last_error = $2, lease_until = NULL, updated_at = $3 WHERE id = $1 AND status = 'signing' RETURNING id`,
        [s.id, err.detail.slice(0, 500), deps.clock.now()],
      );
      if (moved.length === 0) return false;
      audit(tx, {
        actor: auditActor(SYSTEM_ACTOR),
        action: 'sweep.refused',
        subject: { type: 'sweep', id: s.id },
        payload: {
          chain: s.chain,
          walletId: s.wallet_id,
          nonce: String(s.nonce),
          rule: 'intent_mismatch',
          reason: err.detail,
        },
      });
      return true;
    });
    if (refused) sweepEvents.inc({ chain: s.chain, outcome: 'refused' });
  }

  async broadcast(): Promise<string | null> {
    const { deps, opts, adapter } = this;
    const s = await deps.db.transaction((tx) =>
      claimLeased<SweepRow>(tx, SWEEPS, opts.chain, 'signed', deps.clock.now(), opts.leaseMs),
    );
    if (!s) return null;
    if (!s.signed_raw || !s.txid) throw new Error(`sweep ${s.id} is signed but has no stored transaction`);
    try {
      await sendStored(adapter, s);
    } catch (err) {
      await noteError(deps, SWEEPS, s.id, err);
      throw err;
    }
    await this.fault?.('sweeper.after_broadcast', { sweepId: s.id });
    await deps.db.query(
      `UPDATE withdrawals.sweeps SET status = 'broadcast', broadcasts = broadcasts + 1, lease_until = NULL, last_error = NULL, updated_at = $2 WHERE id = $1 AND status = 'signed'`,
      [s.id, deps.clock.now()],
    );
    return s.id;
  }
}
