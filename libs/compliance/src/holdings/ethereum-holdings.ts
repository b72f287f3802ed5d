import type { EthereumAdapter } from '@strongroom/chains-ethereum';
import type { Database } from '@strongroom/persistence';
import type { WalletDirectory } from '@strongroom/wallets';
import pLimit from 'p-limit';
import type { ChainHolding, ChainTip } from '../ports';

export type BalanceReader = Pick<EthereumAdapter, 'balances'>;

/**
 * Ethereum custody holdings of an asset at a snapshot's block, per wallet: the wallet's Safe plus
 * every deposit address issued from it (what a sweep has not moved into the Safe yet), each read
 * with `balances(address, [asset], height)` so later sweeps and withdrawals do not show. The
 * relayer's gas money is not custody. Zero-balance deposit addresses are left out; the Safe is
 * always listed, so a report shows where the wallet's funds live even when it is empty.
 */
export class EthereumCustodyHoldings {
  private readonly limit = pLimit(8);

  constructor(
    private readonly db: Database,
    private readonly wallets: Pick<WalletDirectory, 'list'>,
    private readonly adapter: BalanceReader,
  ) {}

  async holdings(asset: string, tip: ChainTip): Promise<ChainHolding[]> {
    // Every wallet, whatever its status: addresses issued from an inactive one still hold custody.
    const wallets = await this.wallets.list({ chain: 'ethereum' });
    // No deposits service lists addresses across clients, so the table is read (as the follower does).
    const rows = await this.db.query<{ address: string; wallet_id: string }>(
      `SELECT DISTINCT address, wallet_id FROM deposits.addresses WHERE chain = 'ethereum' ORDER BY wallet_id, address`,
    );
    const targets: { address: string; walletId: string; clientId: string | null; safe: boolean }[] = [];
    for (const w of wallets) {
      if (w.safeAddress) targets.push({ address: w.safeAddress, walletId: w.id, clientId: w.clientId, safe: true });
      for (const r of rows.filter((x) => x.wallet_id === w.id))
        targets.push({ address: r.address, walletId: w.id, clientId: w.clientId, safe: false });
    }
    const read = await Promise.all(
      targets.map((t) =>
        this.limit(async () => ({
          ...t,
          amount: (await this.adapter.balances(t.address, [asset], tip.height))[asset] ?? 0n,
        })),
      ),
    );
    return read
      .filter((t) => t.safe || t.amount > 0n)
      .map((t) => ({ address: t.address, amount: t.amount, walletId: t.walletId, clientId: t.clientId }));
  }
}
