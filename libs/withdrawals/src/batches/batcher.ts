import { randomUUID } from 'node:crypto';
import type { CustodyWallet } from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import type { WithdrawalRow } from '../withdrawal-row';
import type { FaultHook } from '../core/fault-points';
import type { PipelineDeps } from '../core/deps';
import { runTx } from '../core/run-tx';
import { transition } from '../core/transition';

/** Batches closed per run at most (each up to maxSize withdrawals). */
const MAX_BATCHES_PER_RUN = 20;

export interface BatcherOptions {
  chain: ChainId;
  /** Close a batch as soon as this many withdrawals are approved… */
  maxSize: number;
  /** …or when the oldest approved one has waited this long. */
  maxAgeMs: number;
}

/**
 * Groups approved withdrawals of one chain into batches (one batch = one on-chain transaction),
 * per paying wallet. Claims rows with FOR UPDATE SKIP LOCKED so several batchers never share one.
 */
export class Batcher {
  constructor(
    private readonly deps: PipelineDeps,
    private readonly opts: BatcherOptions,
    private readonly fault?: FaultHook,
  ) {}

  async runOnce(): Promise<string[]> {
    const { deps, opts } = this;
    // Wallets are resolved before the transaction: the directory may read its own tables.
    const clients = await deps.db.query<{ client_id: string }>(
      `SELECT DISTINCT client_id FROM withdrawals.withdrawals WHERE status = 'approved' AND chain = $1`,
      [opts.chain],
    );
    if (clients.length === 0) return [];
    const wallets = new Map<string, CustodyWallet>();
    for (const c of clients) wallets.set(c.client_id, await deps.wallets.walletFor(opts.chain, c.client_id));

    return runTx(deps, async (tx) => {
      const rows = await tx.query<WithdrawalRow>(
        `SELECT * FROM withdrawals.withdrawals WHERE status = 'approved' AND chain = $1 ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [opts.chain, opts.maxSize * MAX_BATCHES_PER_RUN],
      );
      if (rows.length === 0) return [];
      const now = deps.clock.now();
      const byWallet = new Map<string, { wallet: CustodyWallet; rows: WithdrawalRow[] }>();
      for (const r of rows) {
        const wallet = wallets.get(r.client_id);
        if (!wallet) continue; // approved after the wallet lookup: the next run takes it
        const g = byWallet.get(wallet.id) ?? { wallet, rows: [] };
        g.rows.push(r);
        byWallet.set(wallet.id, g);
      }
      const ids: string[] = [];
      for (const { wallet, rows: all } of byWallet.values()) {
        for (let i = 0; i < all.length; i += opts.maxSize) {
          const group = all.slice(i, i + opts.maxSize);
          const full = group.length >= opts.maxSize;
          // A partial batch waits until its oldest withdrawal has waited maxAgeMs.
          if (!full && now.getTime() - Math.min(...group.map((r) => new Date(r.updated_at).getTime())) < opts.maxAgeMs)
            continue;
          const batchId = randomUUID();
          await tx.query(
            `INSERT INTO withdrawals.batches (id, chain, wallet_id, wallet, status, created_at, updated_at) VALUES ($1,$2,$3,$4::jsonb,'batched',$5,$5)`,
            [batchId, opts.chain, wallet.id, JSON.stringify(wallet), now],
          );
          for (const r of group) {
            await transition(
              tx,
              deps,
              r.id,
              'approved',
              'batched',
              { actor: SYSTEM_ACTOR, rule: full ? 'batch_size' : 'batch_age', detail: { batchId } },
              { batchId },
            );
          }
          ids.push(batchId);
        }
      }
      await this.fault?.('batcher.before_commit', { batchId: ids[0] });
      return ids;
    });
  }
}
