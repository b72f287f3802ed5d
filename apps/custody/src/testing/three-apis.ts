// Test fixture (not part of the app): the three APIs of the embedded default (ledger, deposits,
// withdrawals) on one database, each on its own port, with no chain behind them.
import type { INestApplication } from '@nestjs/common';
import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { API_INFO, startHttpApp } from '@strongroom/shared-http';
// The standalone ledger app's compliance ports, built from an empty environment (no chains).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { compliancePortsFromEnv } from '../../../ledger/src/compliance-ports';
import { DepositWatcherAppModule, WithdrawalSignerAppModule } from '../app-modules';
import { CustodyDepositsApiModule, CustodyLedgerApiModule } from '../custody-apps.module';
import type { DevChains } from '../dev/dev-chains.controller';

export interface StartedApi {
  app: INestApplication;
  url: string;
}

/**
 * Dev chains that must never be reached: any call throws `why`. For specs whose every dev-chain
 * request must be refused before the handler gets to a chain.
 */
export function unreachableDevChains(why: string): DevChains {
  const unreachable = new Proxy(
    {},
    {
      get: () => () => {
        throw new Error(why);
      },
    },
  );
  return {
    bitcoin: unreachable,
    anvil: unreachable,
    adapters: { bitcoin: unreachable, ethereum: unreachable },
    safe: '0x',
  } as unknown as DevChains;
}

/**
 * Starts the ledger, deposits and withdrawals APIs (in that order). Deposits are the custody
 * app's deposits API with `devChains`, or without them the deposit-watcher app's own module.
 * The Bitcoin adapter's RPC is unreachable: address derivation is pure, and with no follower
 * and no pipeline it is never called.
 */
export async function startThreeApis(db: Database, name: string, devChains?: DevChains): Promise<StartedApi[]> {
  const assets = new AssetRegistry();
  const bitcoin = new BitcoinAdapter({
    network: 'regtest',
    rpcUrl: 'http://127.0.0.1:9/',
    feeRate: { min: 1, max: 100, default: 5 },
  });
  const deposits = { assets, adapters: [bitcoin], follow: false };
  const modules = [
    CustodyLedgerApiModule.forRoot(db, {
      assets,
      compliancePorts: compliancePortsFromEnv(assets, {}),
      reconcileEveryMs: 0,
    }),
    devChains
      ? CustodyDepositsApiModule.forRoot(db, deposits, devChains)
      : DepositWatcherAppModule.forRoot({ db }, deposits),
    WithdrawalSignerAppModule.forRoot({
      database: { instance: db },
      kms: { endpoint: 'http://127.0.0.1:9', region: 'us-east-1', maxAttempts: 1 },
      adapters: [bitcoin],
      assets,
    }),
  ];
  const started: StartedApi[] = [];
  for (const [i, module] of modules.entries()) {
    const info = [API_INFO.ledger, API_INFO.deposits, API_INFO.withdrawals][i];
    const { app, url } = await startHttpApp(module, {
      ...info,
      name: `${name}-${info.name}`,
      port: 0,
      shutdownHooks: false,
    });
    started.push({ app, url });
  }
  return started;
}
