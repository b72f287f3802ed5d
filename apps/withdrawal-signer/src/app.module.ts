import { ListKeysCommand } from '@aws-sdk/client-kms';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { AuthModule } from '@strongroom/api-auth';
import { AuditLog, AuditModule } from '@strongroom/audit';
import { CHAIN_ADAPTERS, type ChainAdapter } from '@strongroom/chains-core';
import { depositsContext, DepositSweepFeed } from '@strongroom/deposits';
import { enqueue } from '@strongroom/events';
import { KeyRegistry, keysContext, KmsSigner, type KmsConfig } from '@strongroom/keys';
import { LedgerModule, LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { DATABASE, DatabaseModule, PlatformModule, readinessCheck } from '@strongroom/shared-http';
import {
  DIGEST_SIGNER,
  SOLVENCY_HOLDINGS,
  SWEEP_SOURCE,
  WALLET_DIRECTORY,
  WITHDRAWAL_AUDIT,
  WITHDRAWAL_LEDGER,
  WITHDRAWAL_OUTBOX,
  withdrawalsContext,
  WithdrawalsModule,
  type Clock,
  type DigestSigner,
  type OutboxPort,
  type PipelineRunnerOptions,
  type WalletDirectory,
} from '@strongroom/withdrawals';
import { KmsDigestSigner } from './kms-digest-signer';
import { AdapterOnChainHoldings } from './onchain-holdings';
import { RegistryWalletDirectory } from './registry-wallet-directory';

/**
 * The contexts this app migrates on start: withdrawals, the key registry behind its wallet
 * directory, and deposits (the Bitcoin UTXO feed and the Ethereum sweeper read deposit addresses,
 * deposits and wallets).
 */
export const withdrawalSignerContexts = [withdrawalsContext, keysContext, depositsContext];

export interface WithdrawalSignerConfig {
  /** An open database (tests, the custody app) or how to open one. */
  database: { instance: Database } | { databaseUrl?: string; dataDir?: string; memory?: boolean };
  kms: KmsConfig;
  adapters: ChainAdapter[];
  assets?: AssetRegistry;
  clock?: Clock;
  /** Worker configuration; absent = API only. */
  pipeline?: Omit<PipelineRunnerOptions, 'onError'>;
  /** Overrides (tests): a signer or wallet directory other than KMS + key registry. */
  signer?: DigestSigner;
  wallets?: WalletDirectory;
}

const outbox: OutboxPort = { enqueue: (tx, event) => enqueue(tx, event) };

/**
 * The withdrawal-signer app: the withdrawal API for the exchange backend, approvals and
 * policies, and the pipeline workers signing through KMS.
 */
@Module({})
export class WithdrawalSignerAppModule {
  static forRoot(config: WithdrawalSignerConfig): DynamicModule {
    const database =
      'instance' in config.database
        ? DatabaseModule.forInstance(config.database.instance)
        : DatabaseModule.forRoot({
            ...config.database,
            contexts: withdrawalSignerContexts,
            applicationName: 'strongroom-withdrawal-signer',
          });
    const ports: Provider[] = [
      { provide: WITHDRAWAL_LEDGER, useExisting: LedgerService },
      { provide: WITHDRAWAL_AUDIT, useExisting: AuditLog },
      { provide: WITHDRAWAL_OUTBOX, useValue: outbox },
      { provide: CHAIN_ADAPTERS, useValue: config.adapters },
      // The solvency gate compares liabilities with what custody holds on chain, per asset, before signing.
      { provide: SOLVENCY_HOLDINGS, useValue: new AdapterOnChainHoldings(config.adapters) },
      // The sweeper learns which deposit addresses to look at from the deposits the watcher recorded.
      { provide: SWEEP_SOURCE, inject: [DATABASE], useFactory: (db: Database) => new DepositSweepFeed(db) },
      { provide: KeyRegistry, inject: [DATABASE], useFactory: (db: Database) => new KeyRegistry(db, new AuditLog(db)) },
      { provide: KmsSigner, useFactory: () => new KmsSigner(config.kms) },
      // Ready only while KMS answers: without it nothing can be signed.
      readinessCheck('kms', [KmsSigner], (kms: KmsSigner) => async (signal) => {
        await kms.client.send(new ListKeysCommand({ Limit: 1 }), { abortSignal: signal });
      }),
      config.signer
        ? { provide: DIGEST_SIGNER, useValue: config.signer }
        : {
            provide: DIGEST_SIGNER,
            inject: [KmsSigner, KeyRegistry],
            useFactory: (kms: KmsSigner, registry: KeyRegistry) => new KmsDigestSigner(kms, registry),
          },
      config.wallets
        ? { provide: WALLET_DIRECTORY, useValue: config.wallets }
        : {
            provide: WALLET_DIRECTORY,
            inject: [KeyRegistry],
            // Who pays is the wallet directory's answer (Safe address included); the registry vouches for the keys.
            useFactory: (registry: KeyRegistry) => new RegistryWalletDirectory(registry),
          },
    ];
    return {
      module: WithdrawalSignerAppModule,
      imports: [
        PlatformModule.forApp('withdrawal-signer'),
        database,
        AuthModule.forRoot(),
        LedgerModule.forRoot({ sweepIntervalMs: 0 }),
        WithdrawalsModule.forRoot({
          imports: [AuditModule],
          ports,
          assets: config.assets,
          clock: config.clock,
          pipeline: config.pipeline,
        }),
      ],
    };
  }
}
