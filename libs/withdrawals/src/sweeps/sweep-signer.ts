import type { ChainId } from '@strongroom/shared-types';
import type { FaultHook } from '../pipeline/fault-points';
import type { SignerDeps } from '../pipeline/pipeline-deps';
import { signDigests } from '../pipeline/relay-round';
import { claimSweep, storedSweep } from './sweep-row';
import type { SweepAdapter } from './sweep-capable';

/**
 * Signs and sends prepared sweeps, as the withdrawal signer and broadcaster do for batches: the
 * intent check runs again on the STORED relayer transaction before its digest goes to KMS, the
 * signed bytes are stored before they are sent, and only stored bytes are ever sent, so a crash
 * anywhere re-sends the same transaction (same nonce, same txid).
 */
export class SweepSigner {
  constructor(
    private readonly deps: SignerDeps,
    private readonly adapter: SweepAdapter,
    private readonly opts: { chain: ChainId; leaseMs: number },
    private readonly fault?: FaultHook,
  ) {}

  async sign(): Promise<string | null> {
    const { deps, opts, adapter } = this;
    const s = await deps.db.transaction((tx) => claimSweep(tx, opts.chain, 'signing', deps.clock.now(), opts.leaseMs));
    if (!s) return null;
    const unsigned = storedSweep(s);
    try {
      adapter.checkSweepIntent(unsigned, s.wallet, s.tags, s.assets);
      const signatures = await signDigests(unsigned, 1, (publicKey, digest) => deps.signer.sign(s.wallet_id, publicKey, digest));
      const signed = await adapter.finalize(unsigned, signatures);
      await this.fault?.('sweeper.after_sign', { sweepId: s.id });
      await deps.db.query(
        `UPDATE withdrawals.sweeps SET status = 'signed', signed_raw = $2, txid = $3, lease_until = NULL, last_error = NULL, updated_at = $4 WHERE id = $1 AND status = 'signing'`,
        [s.id, signed.raw, signed.txid, deps.clock.now()],
      );
    } catch (err) {
      // Nothing was stored or sent: free the lease so a later round retries. An intent mismatch
      // stays here, unsigned, with its error for the operator: its nonce must not be skipped.
      await deps.db.query(`UPDATE withdrawals.sweeps SET lease_until = NULL, last_error = $2 WHERE id = $1 AND status = 'signing'`, [s.id, String((err as Error).message ?? err).slice(0, 500)]);
      throw err;
    }
    return s.id;
  }

  async broadcast(): Promise<string | null> {
    const { deps, opts, adapter } = this;
    const s = await deps.db.transaction((tx) => claimSweep(tx, opts.chain, 'signed', deps.clock.now(), opts.leaseMs));
    if (!s) return null;
    if (!s.signed_raw || !s.txid) throw new Error(`sweep ${s.id} is signed but has no stored transaction`);
    try {
      await adapter.broadcast({ chain: s.chain, batchId: s.id, txid: s.txid, raw: s.signed_raw });
    } catch (err) {
      await deps.db.query(`UPDATE withdrawals.sweeps SET last_error = $2 WHERE id = $1`, [s.id, String((err as Error).message ?? err).slice(0, 500)]);
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
