import type { Provider } from '@nestjs/common';
import type { ChainAdapter } from '@strongroom/chains-core';
import type { Database } from '@strongroom/persistence';
import { DATABASE, readinessCheck } from '@strongroom/shared-http';
import type { ChainId } from '@strongroom/shared-types';

export interface ChainReadinessOptions {
  /** Ready while each follower's cursor is at most this many blocks behind its node's tip (default 12). */
  maxFollowerLagBlocks?: number;
  /**
   * A node whose tip block is older than this many seconds is not synced (defaults: Bitcoin 2 h,
   * Ethereum 10 min; none on regtest and anvil, which mine only when asked).
   */
  maxTipAgeSeconds?: Partial<Record<ChainId, number>>;
}

export const DEFAULT_MAX_FOLLOWER_LAG_BLOCKS = 12;
const DEFAULT_TIP_AGE_S: Partial<Record<ChainId, number>> = { bitcoin: 2 * 3600, ethereum: 600 };
const LOCAL_NETWORKS = new Set(['regtest', 'anvil']);

/** `node:<chain>` (reachable, tip recent enough) and `follower:<chain>` (not lagging) for each followed chain. */
export function chainReadinessChecks(adapters: ChainAdapter[], o: ChainReadinessOptions = {}): Provider[] {
  const maxLag = o.maxFollowerLagBlocks ?? DEFAULT_MAX_FOLLOWER_LAG_BLOCKS;
  return adapters.flatMap((adapter) => {
    const maxAge =
      o.maxTipAgeSeconds?.[adapter.chain] ??
      (LOCAL_NETWORKS.has(adapter.network) ? undefined : DEFAULT_TIP_AGE_S[adapter.chain]);
    return [
      readinessCheck(`node:${adapter.chain}`, [], () => async () => {
        const tip = await adapter.tip();
        const age = tip.time === undefined ? undefined : Math.max(0, Math.round(Date.now() / 1000 - tip.time));
        if (maxAge !== undefined && age !== undefined && age > maxAge)
          throw new Error(`the node's tip ${tip.height} is ${age} s old (more than ${maxAge} s): not synced`);
        return { height: tip.height, ...(age === undefined ? {} : { tipAgeSeconds: age }) };
      }),
      readinessCheck(`follower:${adapter.chain}`, [DATABASE], (db: Database) => async () => {
        const [tip, rows] = await Promise.all([
          adapter.tip(),
          db.query<{ height: string }>('SELECT height FROM deposits.cursors WHERE chain = $1', [adapter.chain]),
        ]);
        if (rows[0] === undefined) throw new Error('the follower has not applied a block yet');
        const height = Number(rows[0].height);
        const lag = Math.max(0, tip.height - height);
        if (lag > maxLag) throw new Error(`the follower is ${lag} blocks behind the node (more than ${maxLag})`);
        return { height, tip: tip.height, lagBlocks: lag };
      }),
    ];
  });
}
