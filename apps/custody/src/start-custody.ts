import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { ensureFirstAdminKeys, type FirstAdminKey } from '@strongroom/api-auth';
import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import { EthereumAdapter } from '@strongroom/chains-ethereum';
import { KeyRegistry, KmsKeyAdmin, KmsSigner } from '@strongroom/keys';
import { openDatabase, type Database } from '@strongroom/persistence';
import { tokenContracts } from '@strongroom/shared-assets';
import { API_INFO, startHttpApp } from '@strongroom/shared-http';
import { ALL_CONTEXTS } from './all-contexts';
import { WithdrawalSignerAppModule } from './app-modules';
import { restoreBitcoinCustody } from './bitcoin-custody-utxos';
import { compliancePorts } from './compliance-ports';
import { CustodyDepositsApiModule, CustodyLedgerApiModule } from './custody-apps.module';
import type { CustodyConfig } from './custody-config';
import { ensureCustodyWallets, type CustodySetup } from './custody-wallets';
import { lockDataDir } from './data-dir-lock';
import { startLocalServices, type LocalServices } from './local-services';

/** Every schema: the one PGlite session serves all three APIs. */
export const custodyContexts = ALL_CONTEXTS;

export interface ApiEndpoint {
  name: 'ledger' | 'deposits' | 'withdrawals';
  url: string;
}

export interface RunningCustody {
  apis: ApiEndpoint[];
  /**
   * Set on the first start only: two admin keys of distinct owners, to be shown once. Dual control
   * needs a second person, so one admin key alone could do nothing that moves risk.
   */
  firstAdmins: FirstAdminKey[] | null;
  setup: CustodySetup;
  services: LocalServices;
  db: Database;
  close(): Promise<void>;
}

// Long because each service is pushed onto `cleanups` right after it starts, so a failure stops
// exactly what started, in reverse; the three apps share the adapters and KMS client built here.
/**
 * Starts the embedded default: kms-local, bcoin regtest and anvil under the data directory, one
 * PGlite database with every migration, the custody wallets (created on first start), then the
 * ledger, deposits and withdrawals APIs in this process. Anything that fails stops what already
 * started, in reverse, and rethrows. `opts.release`: the data dir is already locked by the caller.
 */
export async function startCustody(
  config: CustodyConfig,
  log: (line: string) => void,
  opts: { release?: () => void } = {},
): Promise<RunningCustody> {
  const release = opts.release ?? lockDataDir(config.dataDir);
  const cleanups: { name: string; run(): Promise<void> }[] = [{ name: 'data dir lock', run: async () => release() }];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) {
      await c
        .run()
        .catch((err: unknown) => log(`shutdown: ${c.name}: ${err instanceof Error ? err.message : String(err)}`));
    }
    cleanups.length = 0;
  };
  try {
    const services = await startLocalServices(config.dataDir, { kmsLocalSecret: config.kmsLocalSecret, log });
    cleanups.push({ name: 'local services', run: () => services.stop() });

    const db = await openDatabase({
      dataDir: config.dataDir,
      contexts: custodyContexts,
      migrate: true,
      applicationName: 'strongroom-custody',
    });
    cleanups.push({ name: 'database', run: () => db.close() });
    log(`database        PGlite in ${path.join(config.dataDir, 'pglite')} (migrated)`);

    const kms = new KmsSigner(services.kms.config);
    cleanups.push({ name: 'kms client', run: async () => kms.destroy() });
    const { bitcoin: node, anvil } = services;
    const newBitcoinAdapter = () =>
      new BitcoinAdapter({
        network: 'regtest',
        rpcUrl: node.rpcUrl,
        rpcUser: node.rpcUser,
        rpcPassword: node.rpcPassword,
        // bcoin's regtest relays from 1 sat/vB and has no fee estimates: the default is what is paid.
        feeRate: { default: 2, min: 1, max: 100 },
      });
    const bitcoin = newBitcoinAdapter();
    // The tokens the configured assets have a contract for on the local chain (none by default).
    const ethereum = new EthereumAdapter({
      rpcUrl: anvil.rpcUrl,
      network: 'anvil',
      chainId: anvil.chainId,
      tokens: tokenContracts(config.assets, 'ethereum', 'anvil'),
    });
    cleanups.push({ name: 'ethereum adapter', run: async () => ethereum.close() });

    const setup = await ensureCustodyWallets(db, kms, { ethereum, anvil }, log);
    const restored = await restoreBitcoinCustody(db, bitcoin, setup.bitcoin.custody);
    if (restored.blocks > 0)
      log(
        `bitcoin         custody UTXOs rebuilt from ${restored.blocks} block(s): ${restored.utxos} output(s), ${restored.sats} sat`,
      );

    const adapters = [bitcoin, ethereum];
    const apps: { name: ApiEndpoint['name']; app: INestApplication }[] = [];
    cleanups.push({
      name: 'HTTP apps',
      // The withdrawal workers and the deposit followers stop with their apps; the ledger goes last.
      run: async () => {
        for (const a of [...apps].reverse()) await a.app.close();
      },
    });
    const start = async (name: ApiEndpoint['name'], module: unknown, port: number) => {
      const { title, description } = API_INFO[name];
      const running = await startHttpApp(module, { name, title, description, port, shutdownHooks: false });
      apps.push({ name, app: running.app });
      return { name, url: running.url };
    };

    const ledgerApi = await start(
      'ledger',
      CustodyLedgerApiModule.forRoot(db, {
        assets: config.assets,
        reconcileEveryMs: config.reconcileEveryMs,
        compliancePorts: compliancePorts(
          db,
          config.assets,
          { newBitcoinAdapter, bitcoin, ethereum },
          config.pricesFile,
          { kms, registry: new KeyRegistry(db), admin: new KmsKeyAdmin(kms.client) },
        ),
      }),
      config.ports.ledger,
    );
    const depositsApi = await start(
      'deposits',
      CustodyDepositsApiModule.forRoot(
        db,
        {
          assets: config.assets,
          adapters,
          follow: true,
          pollMs: config.pollMs,
        },
        { bitcoin: node, anvil, adapters: { bitcoin, ethereum }, safe: setup.ethereum.safe },
      ),
      config.ports.deposits,
    );
    const withdrawalsApi = await start(
      'withdrawals',
      WithdrawalSignerAppModule.forRoot({
        database: { instance: db },
        kms: services.kms.config,
        adapters,
        assets: config.assets,
        pipeline: {
          chains: adapters.map((a) => ({
            chain: a.chain,
            batchMaxSize: 100,
            batchMaxAgeMs: config.batchMaxAgeMs,
            // Deposit addresses are swept into the Safe by the relayer, on a schedule.
            ...(a.chain === 'ethereum' ? { sweep: config.sweep } : {}),
          })),
        },
      }),
      config.ports.withdrawals,
    );

    const firstAdmins = await ensureFirstAdminKeys(db);
    return { apis: [ledgerApi, depositsApi, withdrawalsApi], firstAdmins, setup, services, db, close: cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
