import type { ChainAdapter } from '@strongroom/chains-core';
import { depositTransferId } from '@strongroom/deposits';
import type { Database } from '@strongroom/persistence';
import { holdId } from '@strongroom/withdrawals';
import type { AssetRegistry } from '@strongroom/shared-assets';
import type { ChainTip, UnbookedMovements } from '../ports';

/** The ledger read this needs (LedgerService satisfies it): when a transfer was committed. */
export interface TransferSequences {
  getTransfer(id: string): Promise<{ sequence: bigint }>;
}

const PAGE = 100;

/**
 * What is on chain at the snapshot height but not in the ledger at the snapshot's sequence S:
 * - incoming: deposits mined at or below the height that are still confirming, or that were
 *   credited by a transfer committed after S (read from the credit transfer's sequence, so a
 *   deposit credited between the cut and this read is still counted);
 * - outgoing: withdrawal batches mined at or below the height whose settlement is not in the
 *   ledger at S: confirmed and not settled, settled by transfers after S, or broadcast and
 *   already in a block the confirmer has not judged deep enough yet (asked of the chain
 *   adapter). Amount of the asset plus, in the native asset, the network fee when custody pays it
 *   (Bitcoin; not Ethereum, where the relayer pays the gas).
 * The credited/settled walks go newest first and stop at the first page entirely at or before S:
 * one follower and settler per chain book them in order.
 *
 * Neither deposits nor withdrawals export a query for this, so their tables are read here:
 * `DepositQueries` would need `unbookedAt(asset, height)`, withdrawals a batch read
 * (`minedBatches(chain, height)`), see the compliance README.
 */
export class LedgerUnbooked implements UnbookedMovements {
  private readonly adapters: Map<string, Pick<ChainAdapter, 'status'>>;

  constructor(
    private readonly db: Database,
    private readonly assets: AssetRegistry,
    private readonly ledger: TransferSequences,
    adapters: Pick<ChainAdapter, 'chain' | 'status'>[] = [],
    /**
     * Whether a chain's network fee leaves custody: Bitcoin pays it from the custody inputs; on
     * Ethereum the relayer pays the gas, so the Safe loses only the amounts.
     */
    private readonly feeFromCustody: Partial<Record<string, boolean>> = { bitcoin: true, ethereum: false },
  ) {
    this.adapters = new Map(adapters.map((a) => [a.chain, a]));
  }

  async unbooked(
    asset: string,
    tip: ChainTip,
    sequence: bigint,
  ): Promise<{ incoming: bigint; outgoing: bigint; refs: string[] }> {
    const refs: string[] = [];
    const incoming = await this.incoming(asset, tip, sequence, refs);
    const outgoing = await this.outgoing(asset, tip, sequence, refs);
    return { incoming, outgoing, refs };
  }

  private async incoming(asset: string, tip: ChainTip, sequence: bigint, refs: string[]): Promise<bigint> {
    let total = 0n;
    const confirming = await this.db.query<{ txid: string; output_index: string; amount: string }>(
      `SELECT txid, output_index, amount::text FROM deposits.deposits
        WHERE chain = $1 AND asset = $2 AND state = 'confirming' AND block_height IS NOT NULL AND block_height <= $3 ORDER BY seq`,
      [tip.chain, asset, tip.height],
    );
    for (const d of confirming) {
      total += BigInt(d.amount);
      refs.push(`deposit ${d.txid}:${d.output_index} confirming`);
    }
    for (let offset = 0; ; offset += PAGE) {
      const credited = await this.db.query<{ txid: string; output_index: string; amount: string; credits: number }>(
        `SELECT txid, output_index, amount::text, credits FROM deposits.deposits
          WHERE chain = $1 AND asset = $2 AND state = 'credited' AND block_height IS NOT NULL AND block_height <= $3
          ORDER BY credited_at DESC, seq DESC LIMIT $4 OFFSET $5`,
        [tip.chain, asset, tip.height, PAGE, offset],
      );
      let after = 0;
      for (const d of credited) {
        const t = await this.ledger.getTransfer(
          depositTransferId('deposit', tip.chain, d.txid, d.output_index, Number(d.credits)),
        );
        if (t.sequence <= sequence) continue;
        after++;
        total += BigInt(d.amount);
        refs.push(`deposit ${d.txid}:${d.output_index} credited after the cut`);
      }
      if (after === 0 || credited.length < PAGE) break;
    }
    return total;
  }

  private async outgoing(asset: string, tip: ChainTip, sequence: bigint, refs: string[]): Promise<bigint> {
    const native = this.assets.get(asset).native && this.feeFromCustody[tip.chain] === true;
    type Batch = {
      id: string;
      txid: string | null;
      status: string;
      amount: string;
      network_fee: string | null;
      first: string;
    };
    const select = `SELECT b.id, b.txid, b.status, COALESCE(sum(w.amount) FILTER (WHERE w.asset = $2), 0)::text AS amount,
                           b.network_fee::text AS network_fee, min(w.id) AS first
                      FROM withdrawals.batches b JOIN withdrawals.withdrawals w ON w.batch_id = b.id AND w.status <> 'failed'
                     WHERE b.chain = $1 AND `;
    const owed = (b: Batch) => BigInt(b.amount) + (native ? BigInt(b.network_fee ?? '0') : 0n);
    let total = 0n;
    const count = (b: Batch, why: string) => {
      const v = owed(b);
      if (v === 0n) return;
      total += v;
      refs.push(`batch ${b.id} ${b.txid ?? ''} ${why}`.trim());
    };

    const confirmed = await this.db.query<Batch>(
      `${select} b.status = 'confirmed' AND b.confirmed_height <= $3 GROUP BY b.id ORDER BY b.id`,
      [tip.chain, asset, tip.height],
    );
    for (const b of confirmed) count(b, 'mined, not settled');

    // Sent but not judged deep enough: the chain says whether it was mined by the snapshot height.
    const adapter = this.adapters.get(tip.chain);
    if (adapter) {
      const sent = await this.db.query<Batch>(
        `${select} b.status IN ('signed', 'broadcast') AND b.txid IS NOT NULL GROUP BY b.id ORDER BY b.id`,
        [tip.chain, asset],
      );
      for (const b of sent) {
        if (!b.txid) continue;
        // The batch's approved outputs, in signing order, so the chain can say which were paid.
        const ws = await this.db.query<{ id: string; destination: string; asset: string; amount: string }>(
          `SELECT id, destination, asset, amount::text FROM withdrawals.withdrawals WHERE batch_id = $1 ORDER BY seq`,
          [b.id],
        );
        const st = await adapter.status(
          b.txid,
          ws.map((w) => ({ ref: w.id, address: w.destination, asset: w.asset, amount: BigInt(w.amount) })),
        );
        if (st.state === 'confirmed' && st.height <= tip.height) count(b, 'mined, not yet confirmed');
        if (st.state === 'partial' && st.height <= tip.height) {
          // Only the outputs that were paid left custody (an Ethereum batch where a token returned false).
          const unpaid = new Set(st.unpaid.map((u) => u.ref));
          const paid = ws
            .filter((w) => w.asset === asset && !unpaid.has(w.id))
            .reduce((s, w) => s + BigInt(w.amount), 0n);
          count({ ...b, amount: paid.toString() }, 'mined, partly paid, not yet confirmed');
        }
      }
    }

    for (let offset = 0; ; offset += PAGE) {
      const settled = await this.db.query<Batch>(
        `${select} b.status = 'settled' AND b.confirmed_height <= $3 GROUP BY b.id ORDER BY max(b.updated_at) DESC, b.id LIMIT $4 OFFSET $5`,
        [tip.chain, asset, tip.height, PAGE, offset],
      );
      let after = 0;
      for (const b of settled) {
        // The payout leg is written by the settlement of every withdrawal of the batch.
        const t = await this.ledger.getTransfer(holdId(b.first, 'payout'));
        if (t.sequence <= sequence) continue;
        after++;
        count(b, 'settled after the cut');
      }
      if (after === 0 || settled.length < PAGE) break;
    }
    return total;
  }
}
