import type { Database } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';

/**
 * Deposit addresses in the order deposits to them were recorded (the deposit sequence), for the
 * withdrawal signer's sweeper: it only looks at addresses that received something. One follower
 * per chain records deposits one transaction at a time, so the sequence is gap-safe to resume
 * from. Structurally the withdrawals context's SweepSource port.
 */
export class DepositSweepFeed {
  constructor(private readonly db: Database) {}

  async depositsAfter(
    chain: ChainId,
    position: bigint,
    limit: number,
  ): Promise<{ position: bigint; address: string; tag: string; walletId: string }[]> {
    const rows = await this.db.query<{ seq: string; address: string; tag: string; wallet_id: string }>(
      `SELECT d.seq::text AS seq, a.address, a.tag, a.wallet_id FROM deposits.deposits d JOIN deposits.addresses a ON a.id = d.address_id
        WHERE d.chain = $1 AND d.seq > $2 ORDER BY d.seq LIMIT $3`,
      [chain, position.toString(), limit],
    );
    return rows.map((r) => ({ position: BigInt(r.seq), address: r.address, tag: r.tag, walletId: r.wallet_id }));
  }
}
