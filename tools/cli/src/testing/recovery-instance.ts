import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import type { ChainAdapter } from '@strongroom/chains-core';
import { CustodyWallets, DepositAddresses, DepositFollower, depositsContext } from '@strongroom/deposits';
import { keysContext } from '@strongroom/keys';
import { LedgerService } from '@strongroom/ledger';
import type { BitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';
import type { KmsLocalHandle } from '@strongroom/local-services/kms';
import { openDatabase, type Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { openTestDatabase, type BackendName, type TestDatabase } from '@strongroom/testing';

const ROOT = path.resolve(__dirname, '../../../..');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A TypeScript entry in a child process, as an operator runs it (`node tools/run.js <entry> …`). */
export function run(entry: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['tools/run.js', entry, ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: '1', ...env },
        timeout: 180_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export const kmsEnv = (kms: KmsLocalHandle): Record<string, string> => ({
  KMS_ENDPOINT: kms.endpoint,
  AWS_REGION: kms.config.region,
  AWS_ACCESS_KEY_ID: kms.config.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: kms.config.credentials.secretAccessKey,
});

/**
 * Strongroom's database as the CLI and the service see it: a PGlite data directory (opened by one
 * process at a time) or a fresh PostgreSQL database; `destroy` throws it away for good.
 */
export class Instance {
  private constructor(
    readonly backend: BackendName,
    readonly env: Record<string, string>,
    private readonly dataDir?: string,
    private readonly pg?: TestDatabase,
  ) {}

  static async open(backend: BackendName): Promise<Instance> {
    if (backend === 'pglite') {
      const dir = await mkdtemp(path.join(tmpdir(), 'strongroom-recovery-'));
      return new Instance(backend, { STRONGROOM_DATA_DIR: dir }, dir);
    }
    const pg = await openTestDatabase(backend, { contexts: [keysContext, depositsContext] });
    return new Instance(backend, { DATABASE_URL: pg.url! }, undefined, pg);
  }

  /** Runs `fn` on the database and closes it (on PGlite the CLI needs the data directory's lock). */
  async with<T>(fn: (db: Database) => Promise<T>): Promise<T> {
    const contexts = [keysContext, depositsContext];
    const db = this.dataDir
      ? await openDatabase({ dataDir: this.dataDir, contexts })
      : await openDatabase({ databaseUrl: this.pg!.url!, contexts, poolSize: 4 });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  /** Deletes the database: the PGlite directory removed, the PostgreSQL database dropped. */
  async destroy(): Promise<void> {
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
    await this.pg?.close();
  }
}

/**
 * Deposit addresses issued and credited the way the deposit watcher does it: the real adapter
 * on the regtest node, the follower crediting the ledger after the confirmations.
 */
export class Deposits {
  readonly assets = new AssetRegistry().withAssets([
    { code: 'BTC', confirmations: 1 },
    { code: 'ETH', confirmations: 1 },
  ]);
  constructor(
    private readonly node: BitcoinRegtest | null,
    private readonly db: Database,
    /** Another chain's adapter (Ethereum); default the Bitcoin adapter on `node`. */
    private readonly chain?: () => ChainAdapter,
  ) {}

  adapter(): ChainAdapter {
    return this.chain ? this.chain() : this.bitcoin();
  }

  bitcoin(): BitcoinAdapter {
    if (!this.node) throw new Error('no regtest node');
    return new BitcoinAdapter({
      network: 'regtest',
      rpcUrl: this.node.rpcUrl,
      rpcUser: this.node.rpcUser,
      rpcPassword: this.node.rpcPassword,
      feeRate: { min: 1, max: 50, default: 2 },
    });
  }

  async issue(clientId: string, userId: string, asset = 'BTC'): Promise<string> {
    const ledger = new LedgerService(this.db);
    const addresses = new DepositAddresses(this.db, new CustodyWallets(this.db), this.assets, [this.adapter()], ledger);
    return (await addresses.issue({ clientId, userId, asset })).address.address;
  }

  follower(startHeight: number): DepositFollower {
    const ledger = new LedgerService(this.db);
    return new DepositFollower({ db: this.db, adapter: this.adapter(), assets: this.assets, ledger, startHeight });
  }

  /** What the ledger holds in custody of `asset` across these wallets. */
  async custody(walletIds: string[], asset = 'BTC'): Promise<bigint> {
    const ledger = new LedgerService(this.db);
    let sum = 0n;
    for (const id of walletIds) {
      const a = await ledger.findAccount({ clientId: 'operator', ownerId: id, asset, kind: 'custody' });
      if (!a) continue;
      const b = await ledger.balances(a.id);
      sum += b.debitsPosted - b.creditsPosted;
    }
    return sum;
  }
}
