import { Module } from '@nestjs/common';
import autocannon from 'autocannon';
import {
  AuthModule,
  createApiKey,
  ensureClient,
  signedFetch,
  signRequest,
  type ApiCredentials,
} from '@strongroom/api-auth';
import { AuditLog, AuditModule } from '@strongroom/audit';
import { CHAIN_ADAPTERS, type CustodyWallet, type DigestSignature } from '@strongroom/chains-core';
import { enqueue } from '@strongroom/events';
import { toChainWalletView } from '@strongroom/wallets';
import { KeyRegistry, keysContext, KmsSigner, hexDigestSignature } from '@strongroom/keys';
import { LedgerModule, LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { DatabaseModule, PlatformModule, startHttpApp } from '@strongroom/shared-http';
import { openTestDatabase, type BackendName } from '@strongroom/testing';
import { startKmsLocal } from '@strongroom/local-services/kms';
import {
  DIGEST_SIGNER,
  OPERATOR,
  OPEN_POLICY,
  PIPELINE_DEPS,
  PipelineRunner,
  ScriptedChainAdapter,
  WALLET_DIRECTORY,
  WITHDRAWAL_AUDIT,
  WITHDRAWAL_LEDGER,
  WITHDRAWAL_OUTBOX,
  withdrawalsContext,
  WithdrawalsModule,
  type DigestSigner,
  type SignerDeps,
} from '@strongroom/withdrawals';
import { networks, payments } from 'bitcoinjs-lib';
import { percentile, printTable } from '../table';

/**
 * `npm run bench -- withdrawals [--quick]`: withdrawals/s from the API request to a signed
 * transaction (KMS signatures through kms-local over HTTP, the AWS SDK path), KMS signatures per
 * withdrawal at batch sizes 1, 10 and 100, and POST /v1/withdrawals p50/p99 under 50 concurrent
 * clients (autocannon). The chain is the scripted test chain (one digest per cosigner, 2-of-3):
 * a real Bitcoin batch needs threshold × inputs signatures. PostgreSQL when DATABASE_URL is set,
 * and PGlite (in memory).
 */
const CONTEXTS = [withdrawalsContext, keysContext];
const USERS = 200;
type Row = Record<string, string | number>;

/** KMS signer keyed by the registry (as apps/withdrawal-signer's KmsDigestSigner), counting calls. */
class CountingKmsSigner implements DigestSigner {
  count = 0;
  private readonly keyIds = new Map<string, string>();
  constructor(
    private readonly kms: KmsSigner,
    private readonly registry: KeyRegistry,
  ) {}
  async sign(walletId: string, publicKey: string, digest: string): Promise<DigestSignature> {
    if (!this.keyIds.has(publicKey))
      for (const k of (await this.registry.assertUsable(walletId)).keys) this.keyIds.set(k.publicKey, k.kmsKeyId);
    const sig = await this.kms.signDigest(this.keyIds.get(publicKey) as string, Buffer.from(digest, 'hex'));
    this.count += 1;
    return hexDigestSignature(publicKey, digest, sig);
  }
}

const destination = (i: number) => {
  const hash = Buffer.alloc(20, 7);
  hash.writeUInt32BE(i, 0);
  return payments.p2wpkh({ hash, network: networks.regtest }).address as string;
};

// Long because the database, kms-local, the funded wallet and the app it starts are shared by the
// batch-size and latency phases that follow, and are stopped together after the last one.
async function benchBackend(backend: BackendName, quick: boolean): Promise<Row[]> {
  const tdb = await openTestDatabase(backend, { contexts: CONTEXTS });
  const kms = await startKmsLocal();
  const kmsSigner = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
  const registry = new KeyRegistry(tdb.db);
  const keys = [];
  for (let i = 0; i < 3; i++) {
    const kmsKeyId = await kms.createSigningKey();
    keys.push({ kmsKeyId, publicKey: (await kmsSigner.publicKey(kmsKeyId)).compressedHex });
  }
  const reg = await registry.registerWallet({ label: 'bitcoin', chain: 'bitcoin', threshold: 2, keys });
  await registry.verifyWallet(reg.id, kmsSigner);
  // The wallet as the ceremony recorded it in the wallet directory (what the signer app pays from).
  const recorded = await registry.directory.walletById(reg.id);
  if (!recorded) throw new Error(`wallet ${reg.id} is not in the wallet directory`);
  const wallet: CustodyWallet = toChainWalletView(recorded);
  const signer = new CountingKmsSigner(kmsSigner, registry);
  const adapter = new ScriptedChainAdapter('bitcoin');
  const assets = new AssetRegistry().withAssets([{ code: 'BTC', confirmations: 1 }]);

  @Module({})
  class BenchApp {}
  const root = {
    module: BenchApp,
    imports: [
      PlatformModule.forApp('withdrawals-bench'),
      DatabaseModule.forInstance(tdb.db),
      AuthModule.forRoot(),
      LedgerModule.forRoot({ sweepIntervalMs: 0 }),
      WithdrawalsModule.forRoot({
        imports: [AuditModule],
        assets,
        ports: [
          { provide: WITHDRAWAL_LEDGER, useExisting: LedgerService },
          { provide: WITHDRAWAL_AUDIT, useExisting: AuditLog },
          { provide: WITHDRAWAL_OUTBOX, useValue: { enqueue } },
          { provide: CHAIN_ADAPTERS, useValue: [adapter] },
          { provide: DIGEST_SIGNER, useValue: signer },
          { provide: WALLET_DIRECTORY, useValue: { walletFor: async () => wallet } },
        ],
      }),
    ],
  };
  const { app, url } = await startHttpApp(root, {
    name: 'withdrawals-bench',
    title: 'bench',
    description: 'bench',
    port: 0,
  });
  const ledger = app.get(LedgerService);
  const deps = app.get<SignerDeps>(PIPELINE_DEPS);
  await ensureClient(tdb.db as Database, { id: 'bench', name: 'bench', custody: 'pooled' });
  const creds: ApiCredentials = await createApiKey(tdb.db as Database, {
    name: 'bench',
    role: 'backend',
    clients: ['bench'],
  });
  const custody = await ledger.openAccount({ clientId: OPERATOR, ownerId: wallet.id, asset: 'BTC', kind: 'custody' });
  const users: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const u = await ledger.openAccount({ clientId: 'bench', ownerId: `u${i}`, asset: 'BTC', kind: 'user' });
    users.push(`u${i}`);
    await ledger.transfer({ id: `fund-${i}`, debitAccountId: custody.id, creditAccountId: u.id, amount: 10n ** 14n });
  }
  await tdb.db.transaction((tx) => deps.accounts.inFlight(tx, 'bitcoin', 'BTC'));
  // Withdrawals deny by default: an open asset default. Operator capital in custody covers the
  // scripted network fees (the solvency gate stops signing once custody is below user balances).
  await deps.policies.put({ keyId: 'bench-admin', role: 'admin' }, 'BTC', '*', OPEN_POLICY);
  const capital = await ledger.openAccount({
    clientId: OPERATOR,
    ownerId: 'bench-capital',
    asset: 'BTC',
    kind: 'equity',
  });
  await ledger.transfer({
    id: 'bench-capital',
    debitAccountId: custody.id,
    creditAccountId: capital.id,
    amount: 10n ** 12n,
  });

  let seq = 0;
  const body = () => {
    const i = ++seq;
    return { clientId: 'bench', userId: users[i % USERS], asset: 'BTC', amount: '10000', destination: destination(i) };
  };
  const post = async () => {
    const res = await signedFetch(url, creds, 'POST', '/v1/withdrawals', body(), {
      headers: { 'Idempotency-Key': `b-${backend}-${++seq}` },
    });
    if (res.status !== 201) throw new Error(`request refused: ${res.status} ${await res.text()}`);
  };
  const rows: Row[] = [];
  const scale = quick ? 0.2 : 1;

  // Warm-up: JIT, prepared plans, KMS public-key cache.
  await Promise.all(Array.from({ length: 20 }, post));
  const warm = new PipelineRunner(deps, { chains: [{ chain: 'bitcoin', batchMaxSize: 100, batchMaxAgeMs: 0 }] });
  while (await warm.tick()) adapter.mine(1);

  for (const size of [1, 10, 100]) {
    const count = Math.max(
      size,
      Math.round((size === 1 ? 100 : size === 10 ? 300 : 1000) * scale * (backend === 'pglite' ? 0.5 : 1)),
    );
    const signedBefore = signer.count;
    const runner = new PipelineRunner(deps, { chains: [{ chain: 'bitcoin', batchMaxSize: size, batchMaxAgeMs: 0 }] });
    const start = performance.now();
    // 50 clients submit while the workers run: request → hold → batch → intent check → KMS → signed.
    let left = count;
    const clients = Promise.all(
      Array.from({ length: 50 }, async () => {
        while (left-- > 0) await post();
      }),
    );
    let done = false;
    void clients.then(() => (done = true));
    for (;;) {
      const moved = await runner.tick();
      const [{ n }] = await tdb.db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM withdrawals.withdrawals WHERE status IN ('approved', 'batched', 'signing')`,
      );
      if (done && n === '0' && !moved) break;
      // Idle rounds yield: on PGlite a spinning poller would starve the API of the one session.
      if (!moved) await new Promise((r) => setTimeout(r, 20));
    }
    await clients;
    const seconds = (performance.now() - start) / 1000;
    const signatures = signer.count - signedBefore;
    console.error(`[${backend}] batch size ${size}: ${count} withdrawals signed in ${seconds.toFixed(1)} s`);
    rows.push({
      backend,
      measure: 'request → signed (HTTP, 50 clients, workers running)',
      'batch size': size,
      withdrawals: count,
      'withdrawals/s': count / seconds,
      'KMS signatures/withdrawal': signatures / count,
      'p50 ms': '-',
      'p99 ms': '-',
    });
  }

  // API latency alone under 50 concurrent clients (no workers running).
  console.error(`[${backend}] autocannon…`);
  const path = '/v1/withdrawals';
  const amount = Math.round((backend === 'pglite' ? 500 : 3000) * scale);
  const result = await autocannon({
    url,
    connections: 50,
    amount,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (req) => {
          const text = JSON.stringify(body());
          return {
            ...req,
            body: text,
            headers: {
              'content-type': 'application/json',
              'idempotency-key': `ac-${backend}-${++seq}`,
              ...signRequest(creds, 'POST', path, text),
            },
          };
        },
      },
    ],
  });
  rows.push({
    backend,
    measure: 'POST /v1/withdrawals (autocannon, 50 connections)',
    'batch size': '-',
    withdrawals: result.requests.total,
    'withdrawals/s': Math.round(result.requests.total / (result.duration || 1)),
    'KMS signatures/withdrawal': '-',
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    ...(result.non2xx + result.errors > 0 ? { failed: result.non2xx + result.errors } : {}),
  });
  const lat: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await post();
    lat.push(performance.now() - t);
  }
  rows.push({
    backend,
    measure: 'POST /v1/withdrawals, one client',
    'batch size': '-',
    withdrawals: 50,
    'withdrawals/s': 1000 / percentile(lat, 50),
    'KMS signatures/withdrawal': '-',
    'p50 ms': percentile(lat, 50),
    'p99 ms': percentile(lat, 99),
  });

  await app.close();
  await kms.stop();
  await tdb.close();
  return rows;
}

/** `--backend=postgres|pglite` runs one back end only; each prints its table when done. */
export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const only = args.find((a) => a.startsWith('--backend='))?.slice('--backend='.length);
  const backends: BackendName[] = [];
  if (only !== 'pglite') {
    if (process.env.DATABASE_URL) backends.push('postgres');
    else console.log('DATABASE_URL is not set: PostgreSQL skipped.');
  }
  if (only !== 'postgres') backends.push('pglite');
  for (const b of backends) printTable(await benchBackend(b, quick));
}
