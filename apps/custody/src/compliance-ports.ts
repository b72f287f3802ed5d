import type { Provider } from '@nestjs/common';
import type { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import type { EthereumAdapter } from '@strongroom/chains-ethereum';
import {
  CHAIN_HOLDINGS,
  CHAIN_TIPS,
  FilePriceSource,
  LEDGER_CUT,
  PRICE_SOURCE,
  UNBOOKED,
  type ChainHolding,
  type ChainHoldings,
  type ChainTip,
  type ChainTips,
  type UnbookedMovements,
} from '@strongroom/compliance';
import { LedgerCutReader } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';

export interface ComplianceChains {
  bitcoin: { adapter: BitcoinAdapter; walletId: string };
  ethereum: { adapter: EthereumAdapter; walletId: string; safe: string };
}

/**
 * On-chain custody holdings, simple and local:
 * - Bitcoin: the custody UTXOs the adapter knows (deposit addresses and change), mined at or
 *   below the snapshot's height. The adapter's set is the current one, so an output spent after
 *   that height is already gone from it: take snapshots while the chain is quiet, or read this
 *   as "now".
 * - Ethereum: the Safe's balance plus what still sits in deposit addresses (swept into the Safe
 *   only when a sweep runs), both read at the snapshot's height. The relayer's gas money is not
 *   custody.
 */
export class LocalChainHoldings implements ChainHoldings {
  constructor(
    private readonly db: Database,
    private readonly assets: AssetRegistry,
    private readonly chains: ComplianceChains,
  ) {}

  async holdings(asset: string, tip: ChainTip): Promise<ChainHolding[]> {
    const info = this.assets.get(asset);
    if (info.chain === 'bitcoin') {
      const { adapter, walletId } = this.chains.bitcoin;
      return adapter
        .custodyUtxos()
        .filter((u) => u.height >= 0 && u.height <= tip.height)
        .map((u) => ({ address: `${u.address} (${u.txid}:${u.vout})`, amount: u.value, walletId, clientId: null }));
    }
    const { adapter, walletId, safe } = this.chains.ethereum;
    const rows = await this.db.query<{ address: string }>(`SELECT DISTINCT address FROM deposits.addresses WHERE chain = 'ethereum' ORDER BY address`);
    const out: ChainHolding[] = [];
    for (const address of [safe, ...rows.map((r) => r.address)]) {
      const amount = (await adapter.balances(address, [asset], tip.height))[asset] ?? 0n;
      if (amount > 0n || address === safe) out.push({ address, amount, walletId, clientId: null });
    }
    return out;
  }
}

/**
 * Movements on chain at the snapshot's height that the ledger has not booked: deposits mined
 * but still confirming (incoming), and withdrawal batches mined and confirmed but not yet
 * settled (outgoing: amounts plus the network fee in the native asset). Read from the current
 * state, so a deposit credited between the cut and this read is missed: fine on the embedded
 * default, where a snapshot takes milliseconds.
 */
export class LocalUnbooked implements UnbookedMovements {
  constructor(
    private readonly db: Database,
    private readonly assets: AssetRegistry,
  ) {}

  async unbooked(asset: string, tip: ChainTip): Promise<{ incoming: bigint; outgoing: bigint; refs: string[] }> {
    const deposits = await this.db.query<{ txid: string; output_index: string; amount: string }>(
      `SELECT txid, output_index, amount::text FROM deposits.deposits
        WHERE asset = $1 AND state = 'confirming' AND block_height IS NOT NULL AND block_height <= $2`,
      [asset, tip.height],
    );
    const native = this.assets.get(asset).native;
    const batches = await this.db.query<{ id: string; txid: string; amount: string; network_fee: string | null }>(
      `SELECT b.id, b.txid, COALESCE(sum(w.amount) FILTER (WHERE w.asset = $1), 0)::text AS amount, b.network_fee::text AS network_fee
         FROM withdrawals.batches b JOIN withdrawals.withdrawals w ON w.batch_id = b.id
        WHERE b.chain = $2 AND b.status = 'confirmed' AND b.confirmed_height <= $3
        GROUP BY b.id`,
      [asset, this.assets.get(asset).chain, tip.height],
    );
    const incoming = deposits.reduce((s, d) => s + BigInt(d.amount), 0n);
    const outgoing = batches.reduce((s, b) => s + BigInt(b.amount) + (native ? BigInt(b.network_fee ?? '0') : 0n), 0n);
    return { incoming, outgoing, refs: [...deposits.map((d) => `deposit ${d.txid}:${d.output_index}`), ...batches.map((b) => `batch ${b.id} ${b.txid}`)] };
  }
}

/** The providers ComplianceModule needs, over the custody app's database, adapters and price file. */
export function compliancePorts(db: Database, assets: AssetRegistry, chains: ComplianceChains, pricesFile: string): Provider[] {
  const tips: ChainTips = {
    tips: async () =>
      Promise.all(
        [chains.bitcoin.adapter, chains.ethereum.adapter].map(async (a) => {
          const t = await a.tip();
          return { chain: a.chain, height: t.height, hash: t.hash };
        }),
      ),
  };
  return [
    { provide: LEDGER_CUT, useValue: new LedgerCutReader(db) },
    { provide: CHAIN_TIPS, useValue: tips },
    { provide: PRICE_SOURCE, useValue: new FilePriceSource(pricesFile) },
    { provide: CHAIN_HOLDINGS, useValue: new LocalChainHoldings(db, assets, chains) },
    { provide: UNBOOKED, useValue: new LocalUnbooked(db, assets) },
  ];
}
