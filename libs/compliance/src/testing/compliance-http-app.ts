import { Module, type INestApplication, type Provider } from '@nestjs/common';
import { AuthModule, createApiKey, createClient, signedFetch, type ApiCredentials } from '@strongroom/api-auth';
import { LedgerCutReader, LedgerModule, LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { DatabaseModule, PlatformModule, startHttpApp } from '@strongroom/shared-http';
import { ComplianceModule } from '../compliance.module';
import { CustodyHoldings } from '../holdings/custody-holdings';
import { LedgerUnbooked } from '../holdings/unbooked-movements';
import { CHAIN_HOLDINGS, CHAIN_TIPS, LEDGER_CUT, PRICE_SOURCE, UNBOOKED } from '../ports';
import { StaticPriceSource } from '../prices/price-source';

export type Json = Record<string, unknown>;

/** A compliance HTTP app on one test database, with the ledger it reads. */
export interface ComplianceHttpApp {
  app: INestApplication;
  url: string;
  ledger: LedgerService;
  assets: AssetRegistry;
  /** A signed request as `who`, answering the status and the JSON body (`{}` when empty). */
  call(who: ApiCredentials, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
}

/**
 * The compliance API over the ledger of `db`, with no chain behind it (no tips, no prices, no
 * on-chain holdings): what the route specs need. `ports` adds to or overrides those ports.
 */
export async function startComplianceApp(
  db: Database,
  name: string,
  ports: Provider[] = [],
): Promise<ComplianceHttpApp> {
  const assets = new AssetRegistry();
  const ledger = new LedgerService(db, { sweepIntervalMs: 0 });
  const all = [
    { provide: LEDGER_CUT, useValue: new LedgerCutReader(db) },
    { provide: CHAIN_TIPS, useValue: { tips: async () => [] } },
    { provide: PRICE_SOURCE, useValue: new StaticPriceSource({ quote: 'USD', prices: {} }) },
    { provide: CHAIN_HOLDINGS, useValue: new CustodyHoldings(assets, {}) },
    { provide: UNBOOKED, useValue: new LedgerUnbooked(db, assets, ledger, []) },
    ...ports,
  ];
  @Module({
    imports: [
      PlatformModule.forApp(name),
      DatabaseModule.forInstance(db),
      AuthModule.forRoot(),
      LedgerModule.forRoot({ sweepIntervalMs: 0 }),
      ComplianceModule.register({ ports: all, assets }),
    ],
  })
  class ComplianceSpecApp {}
  const { app, url } = await startHttpApp(ComplianceSpecApp, {
    ...{ name, title: 't', description: 't' },
    ...{ port: 0, shutdownHooks: false },
  });
  const call = async (who: ApiCredentials, method: string, path: string, body?: unknown) => {
    const res = await signedFetch(url, who, method, path, body);
    return { status: res.status, body: await jsonBody(res) };
  };
  return { app, url, ledger, assets, call };
}

/** A response's JSON body; `{}` when it has none. */
async function jsonBody(res: Response): Promise<Json> {
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as Json;
}

/** The two pooled clients of the route specs: `acme` and `beta`. */
export async function createAcmeAndBeta(db: Database): Promise<void> {
  for (const id of ['acme', 'beta']) await createClient(db, { id, name: id, custody: 'pooled' });
}

/** The keys the client-scope checks use: acme's auditor and backend, and an auditor of every client. */
export async function createScopedKeys(
  db: Database,
): Promise<Record<'auditorAcme' | 'auditorAll' | 'backendAcme', ApiCredentials>> {
  return {
    auditorAcme: await createApiKey(db, { name: 'acme auditor', role: 'auditor', clients: ['acme'] }),
    auditorAll: await createApiKey(db, { name: 'house auditor', role: 'auditor', clients: 'all' }),
    backendAcme: await createApiKey(db, { name: 'acme backend', role: 'backend', clients: ['acme'] }),
  };
}

/** acme/alice holds 100 satoshi and beta/bob 200, out of the operator's BTC custody account. */
export async function seedAliceAndBob(ledger: LedgerService): Promise<void> {
  const custody = await ledger.openAccount({ clientId: 'operator', ownerId: 'btc', asset: 'BTC', kind: 'custody' });
  const alice = await ledger.openAccount({ clientId: 'acme', ownerId: 'alice', asset: 'BTC', kind: 'user' });
  const bob = await ledger.openAccount({ clientId: 'beta', ownerId: 'bob', asset: 'BTC', kind: 'user' });
  await ledger.createTransfers([
    { id: 'seed-a', debitAccountId: custody.id, creditAccountId: alice.id, amount: 100n },
    { id: 'seed-b', debitAccountId: custody.id, creditAccountId: bob.id, amount: 200n },
  ]);
}
