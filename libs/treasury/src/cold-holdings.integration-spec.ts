import { randomBytes } from 'node:crypto';
import { EthereumAdapter } from '@strongroom/chains-ethereum';
import { complianceContext, EthereumCustodyHoldings } from '@strongroom/compliance';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { describeEachBackend } from '@strongroom/testing';
import { WalletDirectory } from '@strongroom/wallets';
import { treasuryContext } from './treasury.context';

const ETH = 10n ** 18n;
const address = () => `0x${randomBytes(20).toString('hex')}`;
const key = () => `02${randomBytes(32).toString('hex')}`;

let anvil: Anvil;
let adapter: EthereumAdapter;
beforeAll(async () => {
  anvil = await startAnvil();
  adapter = new EthereumAdapter({ rpcUrl: anvil.rpcUrl, network: 'anvil', chainId: anvil.chainId, tokens: [] });
});
afterAll(async () => {
  adapter?.close();
  await anvil?.stop();
});

// Reconciliation, snapshots and segregation read custody holdings from compliance's holdings
// readers: a cold wallet's Safe must be counted there like the hot one's, per wallet and owner.
describeEachBackend(
  'custody holdings cover the cold tier',
  { contexts: [treasuryContext, complianceContext] },
  (ctx) => {
    it('counts a cold wallet’s on-chain balance beside the hot wallet’s', async () => {
      const wallets = new WalletDirectory(ctx().db);
      const run = randomBytes(3).toString('hex');
      const [hotSafe, coldSafe] = [address(), address()];
      const base = { chain: 'ethereum' as const, clientId: `seg-${run}`, relayerAddress: address() };
      await wallets.register({
        ...base,
        id: `hot-${run}`,
        tier: 'hot',
        threshold: 2,
        publicKeys: [key(), key()],
        safeAddress: hotSafe,
      });
      const cold = { ...base, id: `cold-${run}`, tier: 'cold' as const, threshold: 3, safeAddress: coldSafe };
      await wallets.register({ ...cold, publicKeys: [key(), key(), key(), key(), key()] });
      await anvil.sendEth(hotSafe, 2n * ETH);
      await anvil.sendEth(coldSafe, 30n * ETH);
      const tip = { chain: 'ethereum' as const, height: await anvil.height(), hash: '' };

      const held = await new EthereumCustodyHoldings(ctx().db, wallets, adapter).holdings('ETH', tip);
      const mine = held.filter((h) => h.clientId === `seg-${run}`);
      expect(mine).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ walletId: `hot-${run}`, address: hotSafe, amount: 2n * ETH }),
          expect.objectContaining({ walletId: `cold-${run}`, address: coldSafe, amount: 30n * ETH }),
        ]),
      );
      expect(mine.reduce((s, h) => s + h.amount, 0n)).toBe(32n * ETH);
    });
  },
);
