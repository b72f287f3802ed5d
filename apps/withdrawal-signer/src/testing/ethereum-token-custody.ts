// Test fixture (not part of the app): the withdrawal-signer on anvil with a real Safe v1.4.1
// (2-of-3 kms-local owners, kms-local relayer) that serves ERC-20 tokens, and ledger custody
// booked exactly as what the Safe receives, so custody can be compared with the chain.
import { EthereumAdapter, setupEthereumCustody, type EthereumCustody } from '@strongroom/chains-ethereum';
import { KeyRegistry, KmsSigner } from '@strongroom/keys';
import type { BackendName } from '@strongroom/testing';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { OPERATOR } from '@strongroom/withdrawals';
import { startWithdrawalTestApp, TEST_ASSETS, type WithdrawalTestApp } from './withdrawal-test-app';

export interface TestTokenSpec {
  asset: string;
  decimals: number;
  /** A token whose failed transfer returns false instead of reverting. */
  returnsFalse?: boolean;
}

export interface TokenCustodyApp {
  anvil: Anvil;
  t: WithdrawalTestApp;
  custody: EthereumCustody;
  /** Token contract per asset code. */
  tokens: Record<string, string>;
  /**
   * A deposit without a follower: puts `amount` of `asset` into the Safe on chain and credits the
   * same amount to the user from the wallet's custody account. Returns the user's account id.
   * `onChain` below `amount` leaves the Safe short of what the ledger says (a lost deposit).
   */
  deposit(clientId: string, userId: string, asset: string, amount: bigint, onChain?: bigint): Promise<string>;
  close(): Promise<void>;
}

export async function startTokenCustodyApp(backend: BackendName, specs: TestTokenSpec[]): Promise<TokenCustodyApp> {
  const anvil = await startAnvil();
  const tokens: Record<string, string> = {};
  for (const s of specs)
    tokens[s.asset] = await anvil.deployToken({
      symbol: s.asset,
      decimals: s.decimals,
      returnsFalse: s.returnsFalse ?? false,
    });
  const placeholder = new EthereumAdapter({
    rpcUrl: anvil.rpcUrl,
    network: 'anvil',
    chainId: anvil.chainId,
    tokens: [],
  });
  const t = await startWithdrawalTestApp(backend, [placeholder]);
  // Tokens the shared test registry does not list are served by this app only.
  const extra = specs
    .filter((s) => !TEST_ASSETS.has(s.asset))
    .map((s) => ({ code: s.asset, chain: 'ethereum' as const, decimals: s.decimals, confirmations: 2, native: false }));
  t.deps.assets = TEST_ASSETS.withAssets(extra);
  // Withdrawals deny by default: the extra tokens get an open asset default like the others.
  for (const e of extra) await t.setPolicy(e.code, '*');

  const [w] = await new KeyRegistry(t.tdb.db).wallets('ethereum');
  const registered = t.wallets.get('ethereum');
  if (!w?.relayer || !registered) throw new Error('the test app registered no Ethereum wallet with a relayer');
  const kms = new KmsSigner({ ...t.kms.config, requestsPerSecond: Infinity });
  const owners = [...w.keys].sort((a, b) => a.position - b.position).map((k) => k.kmsKeyId);
  const custody = await setupEthereumCustody(
    anvil,
    kms,
    { owners, relayer: w.relayer.kmsKeyId, threshold: 2 },
    Object.entries(tokens).map(([asset, address]) => ({ asset, address })),
  );
  // The pipeline and the request path use the adapter that knows the tokens and the wallet's Safe.
  t.deps.adapters.set('ethereum', custody.adapter);
  const wallet = { ...registered, safeAddress: custody.safe };
  custody.adapter.registerWallet(wallet);
  t.deps.wallets = {
    walletFor: async () => wallet,
    walletById: async (_chain, id) => (id === wallet.id ? wallet : null),
  };
  await t.tdb.db.transaction(async (tx) => {
    for (const e of extra) await t.deps.accounts.inFlight(tx, 'ethereum', e.code);
  });

  return {
    anvil,
    t,
    custody,
    tokens,
    async deposit(clientId, userId, asset, amount, onChain = amount) {
      if (asset === 'ETH') await anvil.fund(custody.safe, onChain);
      else if (onChain > 0n) await anvil.mintToken(tokens[asset], custody.safe, onChain);
      const user = await t.ledger.openAccount({ clientId, ownerId: userId, asset, kind: 'user' });
      const house = await t.ledger.openAccount({ clientId: OPERATOR, ownerId: wallet.id, asset, kind: 'custody' });
      await t.ledger.transfer({
        id: `deposit:test:${clientId}:${userId}:${asset}:${Math.random().toString(36).slice(2)}`,
        debitAccountId: house.id,
        creditAccountId: user.id,
        amount,
        code: 'deposit',
      });
      return user.id;
    },
    async close() {
      custody.adapter.close();
      kms.destroy();
      await t.close();
      placeholder.close();
      await anvil.stop();
    },
  };
}
