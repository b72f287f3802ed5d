import { ChainErrors, type AdapterWith, type SignedChainTx } from '@strongroom/chains-core';
import { Logger } from '@nestjs/common';
import { isDomainError } from '@strongroom/shared-types';
import { SYSTEM_ACTOR, type WithdrawalStatus } from '../withdrawal.types';
import type { BatchRow } from './batch-row';
import { batchRecoveries } from './batch-metrics';
import { failBatch } from './fail-batch';
import { reserveOutpoints } from './outpoint-reservations';
import type { WorkerDeps } from '../core/deps';
import { BATCHES, noteError } from '../relayer/relayed-tx';
import { signDigests } from '../relayer/sign-digests';
import { audit, auditActor, runTx } from '../core/run-tx';
import { raiseCustodyIncident } from '../solvency/custody-incident';

export interface UtxoRecoveryOptions {
  /** First re-send of a transaction the node forgot, and the base of the back-off (doubles per re-send). */
  rebroadcastAfterMs: number;
  /** Longest pause between two re-sends (default 10 min). */
  maxResendBackoffMs?: number;
  /** Depth the conflicting spend must reach before the batch is failed (the batch's confirmations). */
  confirmations: number;
}

/** The node refused a transaction because an input is missing or spent (-25, Core and the harness). */
export function refusedForInputs(err: unknown): boolean {
  return isDomainError(err, ChainErrors['bitcoin.broadcast_rejected']) && err.extra.rpcCode === -25;
}

/**
 * Brings back Bitcoin batches whose transaction the node lost (evicted, restarted without its
 * mempool, dropped with a reorged parent): re-sent from the stored bytes, parents before children,
 * with back-off. A batch whose input another mined transaction took can never be mined: once that
 * spend is `confirmations` deep the batch is failed like any failed batch (holds voided,
 * reservations released), and the conflict is an incident: recorded once, audited, counted, and
 * the asset's solvency breaker tripped until an admin pair clears it.
 */
export class UtxoRecovery {
  private readonly logger = new Logger('UtxoRecovery');

  constructor(
    private readonly deps: WorkerDeps,
    private readonly adapter: AdapterWith<'utxo'>,
    private readonly opts: UtxoRecoveryOptions,
  ) {}

  /** Orders batches so that a batch spending another's output comes after it (then by seq). */
  parentsFirst(batches: BatchRow[]): BatchRow[] {
    const byTxid = new Map(batches.filter((b) => b.txid && b.signed_raw).map((b) => [b.txid as string, b]));
    const out: BatchRow[] = [];
    const placed = new Set<string>();
    const visiting = new Set<string>();
    const place = (b: BatchRow) => {
      if (placed.has(b.id) || visiting.has(b.id)) return;
      visiting.add(b.id);
      for (const i of b.signed_raw ? this.adapter.capabilities.utxo.inputsOf(b.signed_raw) : []) {
        const parent = byTxid.get(i.txid);
        if (parent && parent.id !== b.id) place(parent);
      }
      visiting.delete(b.id);
      placed.add(b.id);
      out.push(b);
    };
    for (const b of [...batches].sort((x, y) => Number(BigInt(x.seq) - BigInt(y.seq)))) place(b);
    return out;
  }

  /** A `broadcast` batch in neither the chain nor the mempool: re-send when due. */
  async resend(b: BatchRow): Promise<'rebroadcast' | 'failed' | null> {
    const now = this.deps.clock.now();
    const since = b.resend_after
      ? new Date(b.resend_after).getTime()
      : new Date(b.updated_at).getTime() + this.opts.rebroadcastAfterMs;
    if (now.getTime() < since) return null;
    try {
      await this.adapter.broadcast(this.stored(b));
    } catch (err) {
      if (!refusedForInputs(err)) throw err;
      await this.backOff(b);
      return this.judge(b, 'broadcast');
    }
    await this.deps.db.query(
      `UPDATE withdrawals.batches SET broadcasts = broadcasts + 1, resends = resends + 1, resend_after = $2, conflict_seen_height = NULL, last_error = NULL WHERE id = $1`,
      [b.id, new Date(now.getTime() + this.backoff(b.resends + 1))],
    );
    batchRecoveries.inc({ chain: b.chain, outcome: 'resent' });
    this.logger.warn(
      `batch ${b.id}: ${b.txid} was in neither the chain nor the mempool; re-sent from its stored bytes (re-send ${b.resends + 1})`,
    );
    return 'rebroadcast';
  }

  /**
   * After a -25 refusal: fails the batch when an input is spent by another mined transaction
   * `confirmations` deep (or comes from one of our batches that failed: it will never exist);
   * otherwise it waits (a parent of ours not re-sent yet, a spend only in the mempool).
   */
  async judge(b: BatchRow, from: Extract<WithdrawalStatus, 'signed' | 'broadcast'>): Promise<'failed' | null> {
    const verdicts = await this.adapter.capabilities.utxo.inputStates(b.signed_raw as string);
    const missing = verdicts.filter((v) => v.state === 'missing').map((v) => v.txid);
    const deadParents =
      missing.length === 0
        ? []
        : await this.deps.db.query<{ txid: string }>(
            `SELECT txid FROM withdrawals.batches WHERE chain = $1 AND status = 'failed' AND txid = ANY($2::text[])`,
            [b.chain, missing],
          );
    const taken = [
      ...verdicts.filter((v) => v.state === 'spent'),
      ...verdicts.filter((v) => deadParents.some((p) => p.txid === v.txid)),
    ];
    if (taken.length === 0) {
      await this.noteOnce(
        b,
        `the node refused ${b.txid}: inputs missing or spent only in the mempool (${verdicts.map((v) => `${v.txid}:${v.vout} ${v.state}`).join(', ')}); waiting`,
      );
      return null;
    }
    const tip = (await this.adapter.tip()).height;
    const seen = b.conflict_seen_height ?? tip;
    if (b.conflict_seen_height === null)
      await this.deps.db.query(
        `UPDATE withdrawals.batches SET conflict_seen_height = $2 WHERE id = $1 AND conflict_seen_height IS NULL`,
        [b.id, tip],
      );
    const outpoints = taken.map((v) => `${v.txid}:${v.vout}`);
    if (tip - seen + 1 < this.opts.confirmations) {
      await this.noteOnce(
        b,
        `inputs ${outpoints.join(', ')} of ${b.txid} are spent by another transaction; failing the batch once that is ${this.opts.confirmations} deep`,
      );
      return null;
    }
    const reason = `inputs ${outpoints.join(', ')} were spent by another transaction: ${b.txid} can never be mined`;
    // Custody coins moved without us: an incident that stops signing the asset, recorded before
    // the batch fails so that a crash in between records it on the next round.
    const native = this.deps.assets.onChain(b.chain).find((a) => a.native);
    if (!native) throw new Error(`no native asset for ${b.chain}`);
    await raiseCustodyIncident(this.deps, {
      id: `conflict_${b.id}`,
      asset: native.code,
      batchId: b.id,
      kind: 'inputs_spent_elsewhere',
      detail: { txid: b.txid, outpoints, seenAtHeight: seen, tip },
    });
    await failBatch(this.deps, b.id, from, 'inputs_spent_elsewhere', reason, undefined, {
      conflict: { txid: b.txid, outpoints, seenAtHeight: seen, tip },
    });
    batchRecoveries.inc({ chain: b.chain, outcome: 'conflicted' });
    this.logger.error(`batch ${b.id} conflicted: ${reason}; its withdrawals failed and their holds were voided`);
    return 'failed';
  }

  /**
   * CPFP (one child per batch): spends the batch's change back to the change address so that the
   * package pays the node's estimate, at least twice the parent's rate. Intent-checked, signed
   * through the signer port, stored (with the change outpoint reserved to this batch) and only
   * then sent; its fee is booked with the batch's network fee if it is mined.
   */
  async bump(b: BatchRow): Promise<boolean> {
    if (b.cpfp_txid || !b.signed_raw || !b.txid || b.network_fee === null) return false;
    const { deps, adapter } = this;
    const parent = this.stored(b);
    const parentFee = BigInt(b.network_fee);
    const unsigned = await adapter.capabilities.utxo.buildCpfp(parent, parentFee, b.wallet);
    adapter.capabilities.utxo.checkCpfpIntent(unsigned, parent, parentFee, b.wallet);
    const sigs = await signDigests(unsigned, b.wallet.threshold, (publicKey, digest) =>
      deps.signer.sign(b.wallet_id, publicKey, digest),
    );
    adapter.capabilities.utxo.checkCpfpIntent(unsigned, parent, parentFee, b.wallet);
    const child = await adapter.finalize(unsigned, sigs);
    const changeOutpoint = adapter.capabilities.utxo.spentOutpoints(unsigned.payload);
    const stored = await runTx(deps, async (tx) => {
      const moved = await tx.query(
        `UPDATE withdrawals.batches SET cpfp_txid = $2, cpfp_raw = $3, cpfp_fee = $4, updated_at = $5 WHERE id = $1 AND status = 'broadcast' AND cpfp_txid IS NULL RETURNING id`,
        [b.id, child.txid, child.raw, unsigned.fee.toString(), deps.clock.now()],
      );
      if (moved.length === 0) return false;
      await reserveOutpoints(tx, b.chain, b.id, changeOutpoint, deps.clock.now());
      audit(tx, {
        actor: auditActor(SYSTEM_ACTOR),
        action: 'withdrawal_batch.fee_bumped',
        subject: { type: 'withdrawal_batch', id: b.id },
        payload: { method: 'cpfp', parent: b.txid, txid: child.txid, fee: unsigned.fee.toString() },
      });
      return true;
    });
    if (!stored) return false;
    batchRecoveries.inc({ chain: b.chain, outcome: 'fee_bumped' });
    await adapter.broadcast(child);
    return true;
  }

  /** Re-sends a stored CPFP child the node forgot (its parent is in the mempool again). Best effort. */
  async resendChild(b: BatchRow): Promise<void> {
    if (!b.cpfp_txid || !b.cpfp_raw) return;
    if ((await this.adapter.status(b.cpfp_txid)).state !== 'unknown') return;
    await this.adapter
      .broadcast({ chain: b.chain, batchId: b.id, txid: b.cpfp_txid, raw: b.cpfp_raw })
      .catch((err: unknown) => this.noteOnce(b, `CPFP child ${b.cpfp_txid}: ${(err as Error).message}`));
  }

  /**
   * What the batch paid in fees once its transaction is mined: its own fee, plus the CPFP child's
   * when the child is mined too. `wait` while the child is still in the mempool, so its fee is
   * never left unbooked.
   */
  async minedFee(b: BatchRow): Promise<{ wait: true } | { wait: false; fee: bigint | undefined }> {
    if (!b.cpfp_txid || b.cpfp_fee === null) return { wait: false, fee: undefined };
    const st = await this.adapter.status(b.cpfp_txid);
    if (st.state === 'mempool') return { wait: true };
    if (st.state === 'confirmed') return { wait: false, fee: BigInt(b.network_fee ?? '0') + BigInt(b.cpfp_fee) };
    return { wait: false, fee: undefined };
  }

  private stored(b: BatchRow): SignedChainTx {
    return { chain: b.chain, batchId: b.id, txid: b.txid as string, raw: b.signed_raw as string };
  }

  private backoff(resends: number): number {
    return Math.min(this.opts.rebroadcastAfterMs * 2 ** Math.min(resends, 20), this.opts.maxResendBackoffMs ?? 600_000);
  }

  private async backOff(b: BatchRow): Promise<void> {
    await this.deps.db.query(`UPDATE withdrawals.batches SET resends = resends + 1, resend_after = $2 WHERE id = $1`, [
      b.id,
      new Date(this.deps.clock.now().getTime() + this.backoff(b.resends + 1)),
    ]);
  }

  /** Records why a batch waits, logging only when the reason changes (not every round). */
  private async noteOnce(b: BatchRow, message: string): Promise<void> {
    const changed = await noteError(this.deps, BATCHES, b.id, message, { onlyIfNew: true, max: 1000 });
    if (changed) this.logger.warn(`batch ${b.id}: ${message}`);
  }
}
