import type { SweepOutcome, UnsignedChainTx } from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import type { FaultHook } from '../core/fault-points';
import type { WorkerDeps } from '../core/deps';
import { bumpRelayed, followStored, idleMs, isMined, resendStored, SWEEPS } from '../relayer/relayed-tx';
import { audit, auditActor, runTx } from '../core/run-tx';
import { sweepGasLeg } from './sweep-gas-leg';
import { sweepEvents } from './sweep-metrics';
import { storedSweep, type SweepAdapter, type SweepRow } from './sweep-row';

export interface SweepFollowerOptions {
  chain: ChainId;
  confirmations: number;
  rebroadcastAfterMs: number;
  bumpAfterMs?: number;
  feeCeiling?: bigint;
  /** After a reverted sweep its addresses wait this long. */
  retryAfterMs: number;
}

/**
 * Follows sent sweeps to the end. Mined and deep enough: the gas paid is booked in the ledger and
 * the sweep is `settled` (or `failed` when it reverted: nothing moved, the gas is still booked, and
 * its addresses wait before they are tried again), in one transaction with its audit record.
 * Forgotten by the node: the stored bytes are sent again. Stuck in the mempool: replaced with
 * higher fees at the same nonce (intent-checked, relayer-signed, stored, then sent).
 */
export class SweepFollower {
  constructor(
    private readonly deps: WorkerDeps,
    private readonly adapter: SweepAdapter,
    private readonly opts: SweepFollowerOptions,
    private readonly fault?: FaultHook,
  ) {}

  async runOnce(): Promise<{ ended: string[]; resent: string[] }> {
    const { deps, opts, adapter } = this;
    const out = { ended: [] as string[], resent: [] as string[] };
    const sweeps = await deps.db.query<SweepRow>(
      `SELECT * FROM withdrawals.sweeps WHERE status = 'broadcast' AND chain = $1 ORDER BY seq LIMIT 100`,
      [opts.chain],
    );
    for (const s of sweeps) {
      const { st, txid } = await followStored(adapter, s);
      if (isMined(st)) {
        const outcome = await adapter.capabilities.sweep.sweepResult(txid);
        const tip = await adapter.tip();
        if (tip.height - outcome.height + 1 >= opts.confirmations && (await this.settle(s, outcome))) {
          out.ended.push(s.id);
          sweepEvents.inc({ chain: s.chain, outcome: outcome.reverted ? 'reverted' : 'settled' });
        }
      } else if (st.state === 'mempool') {
        if (opts.bumpAfterMs !== undefined && idleMs(deps, s) >= opts.bumpAfterMs) {
          await this.bump(s);
          out.resent.push(s.id);
          sweepEvents.inc({ chain: s.chain, outcome: 'fee_bumped' });
        }
      } else if (idleMs(deps, s) >= opts.rebroadcastAfterMs) {
        await resendStored(deps, adapter, SWEEPS, s);
        out.resent.push(s.id);
        sweepEvents.inc({ chain: s.chain, outcome: 'resent' });
      }
    }
    return out;
  }

  private async settle(s: SweepRow, outcome: SweepOutcome): Promise<boolean> {
    const { deps, opts } = this;
    const native = deps.assets.onChain(s.chain).find((a) => a.native);
    if (!native) throw new Error(`no native asset for ${s.chain}`);
    return runTx(deps, async (tx) => {
      const [locked] = await tx.query<{ id: string }>(
        `SELECT id FROM withdrawals.sweeps WHERE id = $1 AND status = 'broadcast' FOR UPDATE`,
        [s.id],
      );
      if (!locked) return false;
      const now = deps.clock.now();
      if (outcome.fee > 0n) {
        const leg = sweepGasLeg(s.id, outcome.txid, outcome.fee, {
          feeExpense: await deps.accounts.feeExpense(tx, s.wallet_id, native.code),
          relayerGas: await deps.accounts.relayerGas(tx, s.wallet_id, native.code),
        });
        const [r] = await deps.ledger.createTransfers([leg], tx);
        if (!r.ok) throw new Error(`the ledger refused the gas of sweep ${s.id}: ${r.code} ${r.detail}`);
      }
      const status = outcome.reverted ? 'failed' : 'settled';
      const swept = outcome.swept.map((x) => ({ ...x, amount: x.amount.toString() }));
      await tx.query(
        `UPDATE withdrawals.sweeps SET status = $2, txid = $3, fee = $4, swept = $5::jsonb, mined_height = $6, failure = $7, lease_until = NULL, updated_at = $8 WHERE id = $1`,
        [
          s.id,
          status,
          outcome.txid,
          outcome.fee.toString(),
          JSON.stringify(swept),
          outcome.height,
          outcome.reverted ? 'the sweep transaction reverted' : null,
          now,
        ],
      );
      if (outcome.reverted) {
        await tx.query(
          `UPDATE withdrawals.sweep_candidates SET retry_after = $3 WHERE chain = $1 AND address = ANY($2::text[])`,
          [s.chain, s.addresses, new Date(now.getTime() + opts.retryAfterMs)],
        );
      }
      audit(tx, {
        actor: auditActor(SYSTEM_ACTOR),
        action: outcome.reverted ? 'sweep.reverted' : 'sweep.settled',
        subject: { type: 'sweep', id: s.id },
        payload: {
          chain: s.chain,
          walletId: s.wallet_id,
          txid: outcome.txid,
          height: outcome.height,
          fee: outcome.fee.toString(),
          swept,
        },
      });
      await this.fault?.('sweeper.settle.before_commit', { sweepId: s.id });
      return true;
    });
  }

  /** Replaces a stuck sweep at its nonce with higher fees (relayed-tx.ts), checked like the planned one. */
  private async bump(s: SweepRow): Promise<void> {
    const { deps, adapter } = this;
    const check = (replacement: UnsignedChainTx) =>
      adapter.capabilities.sweep.checkSweepIntent(replacement, s.wallet, s.tags, s.assets);
    await bumpRelayed(deps, adapter, SWEEPS, s, storedSweep(s), check, this.opts.feeCeiling);
  }
}
