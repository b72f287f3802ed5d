// Test fixture: the withdrawal pipeline alone in a child process (PostgreSQL only), signing
// through kms-local and broadcasting to the test's chain node, until it is killed.
import 'reflect-metadata';
import { AuditLog } from '@strongroom/audit';
import { enqueue } from '@strongroom/events';
import { KeyRegistry, KmsSigner, type KmsConfig } from '@strongroom/keys';
import { LedgerService } from '@strongroom/ledger';
import { openDatabase } from '@strongroom/persistence';
import { createPipelineDeps, PipelineRunner } from '@strongroom/withdrawals';
import { KmsDigestSigner } from '../kms-digest-signer';
import { RegistryWalletDirectory } from '../registry-wallet-directory';
import { RemoteScriptedChainAdapter } from './remote-chain';
import { TEST_ASSETS } from './withdrawal-test-app';

async function main(): Promise<void> {
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, migrate: false, poolSize: 4 });
  const kms = new KmsSigner(JSON.parse(process.env.KMS_CONFIG as string) as KmsConfig);
  const registry = new KeyRegistry(db);
  const deps = createPipelineDeps({
    db,
    ledger: new LedgerService(db),
    audit: new AuditLog(db),
    outbox: { enqueue: (tx, e) => enqueue(tx, e) },
    wallets: new RegistryWalletDirectory(registry),
    signer: new KmsDigestSigner(kms, registry),
    adapters: [new RemoteScriptedChainAdapter('bitcoin', process.env.CHAIN_NODE_URL as string)],
    assets: TEST_ASSETS,
  });
  const runner = new PipelineRunner(deps, {
    chains: [
      { chain: 'bitcoin', batchMaxSize: 50, batchMaxAgeMs: 0, leaseMs: Number(process.env.LEASE_MS), confirmations: 2 },
    ],
    onError: (err) => console.error(String(err)),
  });
  console.log('pipeline child ready');
  for (;;) {
    await runner.tick();
    await new Promise((r) => setTimeout(r, 50));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
