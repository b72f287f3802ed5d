import { JsonRpcProvider, toQuantity } from 'ethers';
import { EthereumAdapter, type DevChain } from '@strongroom/chains-ethereum';
import { kmsConfigFromEnv, KmsSigner } from '@strongroom/keys';
import { openDatabase } from '@strongroom/persistence';
import { ensureCustodyWallets } from '../../../apps/custody/src/custody-wallets';
import { ALL_CONTEXTS } from '../../cli/src/all-contexts';

/**
 * The compose dev stack's custody setup, run once by docker/setup.sh after migrations: the same
 * ceremony, Safe deployment and deposit registration as the embedded default, against
 * DATABASE_URL, the KMS of KMS_ENDPOINT and the dev Ethereum node of ETHEREUM_RPC_URL (anvil: the
 * relayer is funded with anvil_setBalance, so never point this at a real chain). Idempotent.
 * The Safe's address is recorded in the wallet directory, which is where the signer reads it.
 */
async function devChain(rpcUrl: string): Promise<DevChain> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1 });
  const rpc = <T>(method: string, params: unknown[] = []) => provider.send(method, params) as Promise<T>;
  const chainId = BigInt(await rpc<string>('eth_chainId'));
  return {
    rpcUrl,
    chainId,
    rpc,
    fund: async (address, wei) => {
      const current = BigInt(await rpc<string>('eth_getBalance', [address, 'latest']));
      await rpc('anvil_setBalance', [address, toQuantity(current + wei)]);
    },
    waitMined: async (hash) => {
      for (let i = 0; i < 600; i++) {
        const r = await rpc<{ status: string } | null>('eth_getTransactionReceipt', [hash]);
        if (r) return { status: Number(r.status) };
        await new Promise((ok) => setTimeout(ok, 100));
      }
      throw new Error(`transaction ${hash} not mined within 60 s`);
    },
  };
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  const rpcUrl = process.env.ETHEREUM_RPC_URL;
  if (!databaseUrl || !rpcUrl) throw new Error('DATABASE_URL and ETHEREUM_RPC_URL must be set');
  const anvil = await devChain(rpcUrl);
  const db = await openDatabase({
    databaseUrl,
    contexts: ALL_CONTEXTS,
    migrate: false,
    applicationName: 'strongroom-setup',
  });
  const kms = new KmsSigner(kmsConfigFromEnv(process.env));
  const ethereum = new EthereumAdapter({
    rpcUrl,
    network: process.env.ETHEREUM_NETWORK ?? 'anvil',
    chainId: anvil.chainId,
    tokens: [],
  });
  try {
    const setup = await ensureCustodyWallets(db, kms, { ethereum, anvil }, (line) => console.log(`setup: ${line}`));
    for (const c of setup.created) console.log(`setup: created ${c}`);
    console.log(`setup: custody Safe ${setup.ethereum.safe}`);
  } finally {
    ethereum.close();
    kms.destroy();
    await db.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`dev custody setup: ${(err as Error).message ?? String(err)}`);
    process.exit(1);
  },
);
