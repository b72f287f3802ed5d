// Test fixture: what the pipeline child processes share: their pipeline built from the
// environment the spec hands them (DATABASE_URL, KMS_CONFIG), and how they end on an error.
import { AuditLog } from '@strongroom/audit';
import type { ChainAdapter } from '@strongroom/chains-core';
import { enqueue } from '@strongroom/events';
import { KeyRegistry, KmsSigner, type KmsConfig } from '@strongroom/keys';
import { LedgerService } from '@strongroom/ledger';
import { openDatabase } from '@strongroom/persistence';
import { createPipelineDeps, type SignerDeps } from '@strongroom/withdrawals';
import { KmsDigestSigner } from '../kms-digest-signer';
import { RegistryWalletDirectory } from '../registry-wallet-directory';
import { TEST_ASSETS } from './withdrawal-test-app';

/** The pipeline's dependencies over the spec's database and kms-local, on `adapter` alone. */
export async function childPipelineDeps(adapter: ChainAdapter): Promise<SignerDeps> {
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, migrate: false, poolSize: 4 });
  const kms = new KmsSigner(JSON.parse(process.env.KMS_CONFIG as string) as KmsConfig);
  const registry = new KeyRegistry(db);
  return createPipelineDeps({
    db,
    ledger: new LedgerService(db),
    audit: new AuditLog(db),
    outbox: { enqueue: (tx, e) => enqueue(tx, e) },
    wallets: new RegistryWalletDirectory(registry),
    signer: new KmsDigestSigner(kms, registry),
    adapters: [adapter],
    assets: TEST_ASSETS,
  });
}

/** Runs the child's main loop; any error is printed and ends the process with status 1. */
export function runChild(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
