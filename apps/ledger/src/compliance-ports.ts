import type { Provider } from '@nestjs/common';
import { BitcoinAdapter, type BitcoinNetworkName } from '@strongroom/chains-bitcoin';
import { EthereumAdapter } from '@strongroom/chains-ethereum';
import {
  BitcoinCustodyHoldings,
  CHAIN_HOLDINGS,
  CHAIN_TIPS,
  CustodyHoldings,
  EthereumCustodyHoldings,
  FilePriceSource,
  FollowerChainTips,
  HttpPriceSource,
  LEDGER_CUT,
  LedgerUnbooked,
  PRICE_SOURCE,
  StaticPriceSource,
  UNBOOKED,
  type PriceSource,
} from '@strongroom/compliance';
import { LedgerCutReader, LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import { tokenContracts, withTokenContracts, type AssetRegistry } from '@strongroom/shared-assets';
import { DATABASE } from '@strongroom/shared-http';
import type { ChainId } from '@strongroom/shared-types';
import { WalletDirectory } from '@strongroom/wallets';

/**
 * The compliance ports of the standalone ledger app, from the environment:
 * - chains: BITCOIN_RPC_URL (+ BITCOIN_NETWORK, BITCOIN_RPC_USER, BITCOIN_RPC_PASSWORD) and
 *   ETHEREUM_RPC_URL (+ ETHEREUM_NETWORK, ETHEREUM_CHAIN_ID, ETHEREUM_TOKENS); a chain left
 *   unset is not reconciled (its snapshot carries no tip for it); token balances are read from
 *   the contracts the registry (or ETHEREUM_TOKENS) gives on ETHEREUM_NETWORK;
 * - prices: PRICES_URL (HTTP) or PRICES_FILE; neither = no valuation.
 * The ledger app holds no keys, so proof of assets answers `proof_of_assets.unavailable` here.
 */
export function compliancePortsFromEnv(assets: AssetRegistry, env: NodeJS.ProcessEnv = process.env): Provider[] {
  const bitcoinConfig = env.BITCOIN_RPC_URL
    ? {
        network: (env.BITCOIN_NETWORK ?? 'regtest') as BitcoinNetworkName,
        rpcUrl: env.BITCOIN_RPC_URL,
        rpcUser: env.BITCOIN_RPC_USER,
        rpcPassword: env.BITCOIN_RPC_PASSWORD,
      }
    : undefined;
  const network = env.ETHEREUM_NETWORK || 'anvil';
  const ethereum = env.ETHEREUM_RPC_URL
    ? new EthereumAdapter({
        rpcUrl: env.ETHEREUM_RPC_URL,
        network,
        chainId: BigInt(env.ETHEREUM_CHAIN_ID ?? 31337),
        tokens: tokenContracts(
          withTokenContracts(assets, 'ethereum', network, env.ETHEREUM_TOKENS, 'ETHEREUM_TOKENS'),
          'ethereum',
          network,
        ),
      })
    : undefined;
  const chains: ChainId[] = [
    ...(bitcoinConfig ? (['bitcoin'] as const) : []),
    ...(ethereum ? (['ethereum'] as const) : []),
  ];
  const prices: PriceSource = env.PRICES_URL
    ? new HttpPriceSource(env.PRICES_URL)
    : env.PRICES_FILE
      ? new FilePriceSource(env.PRICES_FILE)
      : new StaticPriceSource({ quote: 'USD', prices: {} });
  return [
    { provide: LEDGER_CUT, inject: [DATABASE], useFactory: (db: Database) => new LedgerCutReader(db) },
    { provide: CHAIN_TIPS, inject: [DATABASE], useFactory: (db: Database) => new FollowerChainTips(db, chains) },
    { provide: PRICE_SOURCE, useValue: prices },
    {
      provide: CHAIN_HOLDINGS,
      inject: [DATABASE],
      useFactory: (db: Database) => {
        const wallets = new WalletDirectory(db);
        return new CustodyHoldings(assets, {
          ...(bitcoinConfig
            ? {
                bitcoin: new BitcoinCustodyHoldings(
                  db,
                  wallets,
                  () => new BitcoinAdapter({ ...bitcoinConfig, feeRate: { default: 2, min: 1, max: 500 } }),
                ),
              }
            : {}),
          ...(ethereum ? { ethereum: new EthereumCustodyHoldings(db, wallets, ethereum) } : {}),
        });
      },
    },
    {
      provide: UNBOOKED,
      inject: [DATABASE, LedgerService],
      useFactory: (db: Database, ledger: LedgerService) =>
        new LedgerUnbooked(db, assets, ledger, [
          ...(bitcoinConfig
            ? [new BitcoinAdapter({ ...bitcoinConfig, feeRate: { default: 2, min: 1, max: 500 } })]
            : []),
          ...(ethereum ? [ethereum] : []),
        ]),
    },
  ];
}
