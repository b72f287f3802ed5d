import type { Database } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';
import type { ChainTip, ChainTips } from '../ports';

/**
 * The CHAIN_TIPS port as the deposit followers see the chains: the block each follower has fully
 * applied (its cursor), not the node's tip. Every deposit at or below that height is recorded,
 * so a snapshot's incoming deposits are complete; a node tip ahead of a lagging follower would
 * show deposits on chain that no table knows yet, as a false custody mismatch.
 * The follower exposes no read of its cursor (it should: `DepositQueries.cursor(chain)`), so
 * `deposits.cursors` is read here.
 */
export class FollowerChainTips implements ChainTips {
  constructor(
    private readonly db: Database,
    private readonly chains: ChainId[],
  ) {}

  async tips(): Promise<ChainTip[]> {
    const rows = await this.db.query<{ chain: ChainId; height: number; hash: string }>(
      `SELECT chain, height, hash FROM deposits.cursors WHERE chain = ANY($1::text[]) ORDER BY chain`,
      [this.chains],
    );
    return rows.map((r) => ({ chain: r.chain, height: Number(r.height), hash: r.hash }));
  }
}
