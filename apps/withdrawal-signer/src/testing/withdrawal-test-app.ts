// Test fixture (not part of the app): the withdrawal-signer over HTTP on a fresh database, with
// kms-local keys in the key registry, API keys for every role and funded ledger accounts.
import type { INestApplication } from '@nestjs/common';
import { createApiKey, ensureClient, signedFetch, type ApiCredentials } from '@strongroom/api-auth';
import type { ChainAdapter, CustodyWallet } from '@strongroom/chains-core';
import { KeyRegistry, KmsSigner } from '@strongroom/keys';
import { LedgerService, type OpenAccountInput } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { startHttpApp } from '@strongroom/shared-http';
import type { ChainId } from '@strongroom/shared-types';
import { openTestDatabase, type BackendName, type TestDatabase } from '@strongroom/testing';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import {
  OPEN_POLICY,
  OPERATOR,
  PIPELINE_DEPS,
  PipelineRunner,
  ScriptedChainAdapter,
  type ChainPipelineOptions,
  type PolicyInput,
  type FaultHook,
  type SignerDeps,
} from '@strongroom/withdrawals';
import { withdrawalSignerContexts, WithdrawalSignerAppModule } from '../app.module';
import { KmsDigestSigner } from '../kms-digest-signer';
import { toCustodyWallet } from '../registry-wallet-directory';

/** A clock tests move forward (batch age, leases, velocity windows). */
export class TestClock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface WithdrawalTestApp {
  url: string;
  app: INestApplication;
  tdb: TestDatabase;
  ledger: LedgerService;
  deps: SignerDeps;
  clock: TestClock;
  kms: KmsLocalHandle;
  signer: KmsDigestSigner;
  keys: Record<
    'backend' | 'backend2' | 'approver1' | 'approver2' | 'approver3' | 'admin' | 'admin2' | 'auditor',
    ApiCredentials
  >;
  wallets: Map<ChainId, CustodyWallet & { relayerPublicKey?: string }>;
  /** Signed request as `who`. */
  call(
    who: ApiCredentials,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  /**
   * The test-only path for a liability without chain backing: moves `amount` from an operator
   * `equity` account straight to a user (what the attack did through the API).
   */
  injectLiability(clientId: string, userId: string, asset: string, amount: bigint): Promise<void>;
  /** Credits `amount` base units to a user, from the custody account of the chain's wallet. */
  fund(clientId: string, userId: string, asset: string, amount: bigint): Promise<string>;
  /**
   * Writes a policy directly (no dual control): the test-only path. `input` overrides an open
   * policy (no limits, no fee, no approvals). Every asset of TEST_ASSETS starts with an open
   * asset default ("*") written this way, the explicit default an admin pair would set.
   */
  setPolicy(asset: string, clientId: string, input?: Partial<PolicyInput>): Promise<void>;
  /** A policy change over HTTP: PUT by `admin` (202, pending), approved by `admin2`; returns the approval's answer. */
  changePolicy(asset: string, clientId: string, body: Record<string, unknown>): Promise<Response>;
  /** A runner over the app's pipeline with the given fault hook (a fresh "process"). */
  runner(chains: ChainPipelineOptions[], fault?: FaultHook): PipelineRunner;
  close(): Promise<void>;
}

export { OPEN_POLICY } from '@strongroom/withdrawals';

export const TEST_ASSETS = new AssetRegistry().withAssets([
  { code: 'BTC', confirmations: 2 },
  { code: 'ETH', confirmations: 2 },
  { code: 'USDC', confirmations: 2 },
]);

export const TEST_CLIENTS = [
  'acme',
  'appr',
  'beta',
  'c',
  'can',
  'cancelpipe',
  'cb',
  'chainfail',
  'crash',
  'e2e',
  'erc20',
  'flow',
  'intent',
  'kill',
  'pol',
  'race',
  'unserved',
  'zeta',
  'sweeps',
  'fills',
];

/**
 * Operator funds in custody on scripted chains: the scripted network fee (paid from custody on
 * Bitcoin) is above the zero withdrawal fee most specs use, and without operator funds custody
 * would fall below user balances after the first batch and the solvency gate would (rightly) stop
 * signing. Real chains get none: there the ledger's custody must equal the chain.
 */
export const SCRIPTED_FLOAT: Record<string, bigint> = { BTC: 10_000_000n };

export async function startWithdrawalTestApp(
  backend: BackendName,
  adapters: ChainAdapter[],
  opts: { relayer?: boolean } = {},
): Promise<WithdrawalTestApp> {
  const tdb = await openTestDatabase(backend, { contexts: withdrawalSignerContexts });
  const kms = await startKmsLocal();
  const clock = new TestClock();
  const kmsSigner = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
  const registry = new KeyRegistry(tdb.db);
  const wallets = await registerTestWallets(kms, kmsSigner, registry, adapters, opts.relayer !== false);
  const signer = new KmsDigestSigner(kmsSigner, registry);
  const keys = await createTestKeys(tdb.db);
  const { app, url } = await startHttpApp(
    WithdrawalSignerAppModule.forRoot({
      database: { instance: tdb.db },
      kms: kms.config,
      adapters,
      assets: TEST_ASSETS,
      clock,
      signer,
    }),
    { name: 'withdrawal-signer-test', title: 'withdrawals', description: 'test', port: 0 },
  );
  const ledger = app.get(LedgerService);
  const deps = app.get<SignerDeps>(PIPELINE_DEPS);
  const setPolicy = async (asset: string, clientId: string, input: Partial<PolicyInput> = {}) => {
    await deps.policies.put({ keyId: keys.admin.keyId, role: 'admin' }, asset, clientId, { ...OPEN_POLICY, ...input });
  };
  for (const asset of TEST_ASSETS.all()) await setPolicy(asset.code, '*');
  // House accounts opened up front: concurrent first requests would otherwise race to open them.
  await tdb.db.transaction(async (tx) => {
    for (const a of adapters) {
      for (const asset of TEST_ASSETS.onChain(a.chain)) await deps.accounts.inFlight(tx, a.chain, asset.code);
    }
  });
  const move = (debit: OpenAccountInput, credit: OpenAccountInput, amount: bigint, id: string) =>
    moveFunds(ledger, debit, credit, amount, id);
  await fundScriptedCustody(ledger, adapters, wallets);
  return {
    url,
    app,
    tdb,
    ledger,
    deps,
    clock,
    kms,
    signer,
    keys,
    wallets,
    call: (who, method, path, body, headers) => signedFetch(url, who, method, path, body, { headers }),
    setPolicy,
    async changePolicy(asset, clientId, body) {
      const proposed = await signedFetch(url, keys.admin, 'PUT', `/v1/withdrawal-policies/${asset}/${clientId}`, body);
      if (proposed.status !== 202) return proposed;
      const change = (await proposed.json()) as { id: string };
      return signedFetch(url, keys.admin2, 'POST', `/v1/changes/${change.id}/approve`);
    },
    async injectLiability(clientId, userId, asset, amount) {
      const id = `test:inject:${clientId}:${userId}:${asset}:${Math.random().toString(36).slice(2)}`;
      await move(
        { clientId: OPERATOR, ownerId: 'test-injection', asset, kind: 'equity' },
        { clientId, ownerId: userId, asset, kind: 'user' },
        amount,
        id,
      );
    },
    fund: (clientId, userId, asset, amount) => depositFor(ledger, wallets, clientId, userId, asset, amount),
    runner: (chains, fault) => new PipelineRunner(deps, { chains, fault }),
    async close() {
      await app.close();
      await kms.stop();
      await tdb.close();
    },
  };
}

/** The test app over a scripted Bitcoin and a scripted Ethereum chain. */
export async function startScriptedWithdrawalApp(
  backend: BackendName,
): Promise<{ t: WithdrawalTestApp; btc: ScriptedChainAdapter; eth: ScriptedChainAdapter }> {
  const btc = new ScriptedChainAdapter('bitcoin');
  const eth = new ScriptedChainAdapter('ethereum');
  return { t: await startWithdrawalTestApp(backend, [btc, eth]), btc, eth };
}

type TestWallets = Map<ChainId, CustodyWallet & { relayerPublicKey?: string }>;

/** A 2-of-3 wallet per chain (and a relayer key on Ethereum) in KMS and the key registry, verified. */
async function registerTestWallets(
  kms: KmsLocalHandle,
  kmsSigner: KmsSigner,
  registry: KeyRegistry,
  adapters: ChainAdapter[],
  withRelayer: boolean,
): Promise<TestWallets> {
  const wallets: TestWallets = new Map();
  for (const a of adapters) {
    const keyIds = [await kms.createSigningKey(), await kms.createSigningKey(), await kms.createSigningKey()];
    const keys = await Promise.all(
      keyIds.map(async (kmsKeyId) => ({ kmsKeyId, publicKey: (await kmsSigner.publicKey(kmsKeyId)).compressedHex })),
    );
    let relayer;
    if (a.chain === 'ethereum' && withRelayer) {
      const id = await kms.createSigningKey();
      relayer = { kmsKeyId: id, publicKey: (await kmsSigner.publicKey(id)).compressedHex };
    }
    const w = await registry.registerWallet({
      label: a.chain,
      chain: a.chain,
      threshold: 2,
      keys,
      ...(relayer ? { relayer } : {}),
    });
    await registry.verifyWallet(w.id, kmsSigner);
    wallets.set(a.chain, toCustodyWallet(await registry.wallet(w.id)));
  }
  return wallets;
}

/** The test clients and an API key per role (two backends, three approvers, two admins of different owners, an auditor). */
async function createTestKeys(db: Database) {
  // The clients the withdrawal specs use, registered so backend keys can be scoped to them.
  for (const id of TEST_CLIENTS) await ensureClient(db, { id, name: id, custody: 'pooled' });
  return {
    backend: await createApiKey(db, { name: 'exchange backend', role: 'backend', clients: TEST_CLIENTS }),
    backend2: await createApiKey(db, { name: 'second backend', role: 'backend', clients: TEST_CLIENTS }),
    approver1: await createApiKey(db, { name: 'alice', role: 'approver' }),
    approver2: await createApiKey(db, { name: 'bob', role: 'approver' }),
    approver3: await createApiKey(db, { name: 'carol', role: 'approver' }),
    admin: await createApiKey(db, { name: 'root', role: 'admin' }),
    // The checker of dual-control changes: another key of another owner.
    admin2: await createApiKey(db, { name: 'second admin', role: 'admin', owner: 'dana' }),
    auditor: await createApiKey(db, { name: 'auditor', role: 'auditor' }),
  };
}

/** A deposit credited to the user (custody → user), as the deposit follower books one. */
async function depositFor(
  ledger: LedgerService,
  wallets: TestWallets,
  clientId: string,
  userId: string,
  asset: string,
  amount: bigint,
): Promise<string> {
  const info = TEST_ASSETS.get(asset);
  const wallet = wallets.get(info.chain);
  if (!wallet) throw new Error(`no ${info.chain} wallet`);
  const user = await ledger.openAccount({ clientId, ownerId: userId, asset, kind: 'user' });
  const custody = await ledger.openAccount({ clientId: OPERATOR, ownerId: wallet.id, asset, kind: 'custody' });
  await ledger.transfer({
    id: `deposit:test:${clientId}:${userId}:${asset}:${Math.random().toString(36).slice(2)}`,
    debitAccountId: custody.id,
    creditAccountId: user.id,
    amount,
    code: 'deposit',
  });
  return user.id;
}

/** One posted transfer between two accounts it opens if needed (debit → credit). */
async function moveFunds(
  ledger: LedgerService,
  debit: OpenAccountInput,
  credit: OpenAccountInput,
  amount: bigint,
  id: string,
): Promise<void> {
  const [d, c] = [await ledger.openAccount(debit), await ledger.openAccount(credit)];
  await ledger.transfer({ id, debitAccountId: d.id, creditAccountId: c.id, amount, code: 'test' });
}

/** Operator capital into the custody of scripted chains (SCRIPTED_FLOAT): custody debited, the operator's equity credited. */
async function fundScriptedCustody(
  ledger: LedgerService,
  adapters: ChainAdapter[],
  wallets: TestWallets,
): Promise<void> {
  for (const a of adapters.filter((x) => x instanceof ScriptedChainAdapter)) {
    const wallet = wallets.get(a.chain);
    for (const asset of TEST_ASSETS.onChain(a.chain)) {
      const float = SCRIPTED_FLOAT[asset.code];
      if (float && wallet) {
        await moveFunds(
          ledger,
          { clientId: OPERATOR, ownerId: wallet.id, asset: asset.code, kind: 'custody' },
          { clientId: OPERATOR, ownerId: 'test-float', asset: asset.code, kind: 'equity' },
          float,
          `test:float:${asset.code}`,
        );
      }
    }
  }
}

export interface Problem {
  status: number;
  code: string;
  type: string;
  detail: string;
  [k: string]: unknown;
}

/** Reads a problem+json answer, checking its shape. */
export async function problemOf(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json'))
    throw new Error(`expected problem+json, got ${res.status} ${type}: ${await res.text()}`);
  const body = (await res.json()) as Problem;
  if (body.status !== res.status || body.type !== `urn:strongroom:problem:${body.code}`)
    throw new Error(`malformed problem ${JSON.stringify(body)}`);
  return body;
}
