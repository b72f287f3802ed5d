import { BitcoinAdapter, type BitcoinNetworkName } from '@strongroom/chains-bitcoin';
import type { ChainAdapter } from '@strongroom/chains-core';
import { EthereumAdapter } from '@strongroom/chains-ethereum';
import { AssetRegistry, tokenContracts, withTokenContracts } from '@strongroom/shared-assets';

/**
 * Chain adapters from the environment: BITCOIN_RPC_URL (+ BITCOIN_NETWORK, BITCOIN_RPC_USER,
 * BITCOIN_RPC_PASSWORD, BITCOIN_FEE_RATE) and ETHEREUM_RPC_URL (+ ETHEREUM_NETWORK,
 * ETHEREUM_CHAIN_ID, ETHEREUM_TOKENS). A chain whose URL is unset is not served (requests for it
 * get 503). The Ethereum adapter serves the tokens `assets` has a contract for on ETHEREUM_NETWORK,
 * with ETHEREUM_TOKENS (`USDC:0x…`) setting or replacing contracts; other tokens are refused.
 */
export function chainAdaptersFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  assets = new AssetRegistry(),
): ChainAdapter[] {
  const adapters: ChainAdapter[] = [];
  if (env.BITCOIN_RPC_URL) {
    adapters.push(
      new BitcoinAdapter({
        network: (env.BITCOIN_NETWORK ?? 'regtest') as BitcoinNetworkName,
        rpcUrl: env.BITCOIN_RPC_URL,
        rpcUser: env.BITCOIN_RPC_USER,
        rpcPassword: env.BITCOIN_RPC_PASSWORD,
        feeRate: { default: Number(env.BITCOIN_FEE_RATE ?? 2), min: 1, max: Number(env.BITCOIN_MAX_FEE_RATE ?? 500) },
      }),
    );
  }
  if (env.ETHEREUM_RPC_URL) {
    const network = env.ETHEREUM_NETWORK || 'anvil';
    const configured = withTokenContracts(assets, 'ethereum', network, env.ETHEREUM_TOKENS, 'ETHEREUM_TOKENS');
    adapters.push(
      new EthereumAdapter({
        rpcUrl: env.ETHEREUM_RPC_URL,
        network,
        chainId: BigInt(env.ETHEREUM_CHAIN_ID ?? 31337),
        tokens: tokenContracts(configured, 'ethereum', network),
      }),
    );
  }
  return adapters;
}
