import type { ChainAdapter } from '@strongroom/chains-core';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { PolicyService, type PolicyDeps } from '../policy/policy.service';
import {
  systemClock,
  type AuditPort,
  type Clock,
  type DigestSigner,
  type OutboxPort,
  type SweepSource,
  type WalletDirectory,
  type WithdrawalLedger,
} from '../ports';
import { LedgerAccounts } from '../core/ledger-accounts';
import type { WorkerDeps } from '../core/deps';

/** Everything: the workers' dependencies and the policy service (the module's PIPELINE_DEPS). */
export interface SignerDeps extends WorkerDeps, PolicyDeps {}

/** Assembles the pipeline's dependencies from its ports (the Nest module and worker-only processes). */
export function createPipelineDeps(ports: {
  db: Database;
  ledger: WithdrawalLedger;
  audit: AuditPort;
  outbox: OutboxPort;
  wallets: WalletDirectory;
  signer: DigestSigner;
  adapters: ChainAdapter[];
  assets?: AssetRegistry;
  clock?: Clock;
  sweepSource?: SweepSource;
}): SignerDeps {
  const clock = ports.clock ?? systemClock;
  return {
    db: ports.db,
    ledger: ports.ledger,
    audit: ports.audit,
    outbox: ports.outbox,
    wallets: ports.wallets,
    signer: ports.signer,
    clock,
    assets: ports.assets ?? new AssetRegistry(),
    adapters: new Map(ports.adapters.map((a) => [a.chain, a])),
    accounts: new LedgerAccounts(ports.ledger),
    policies: new PolicyService(ports.db, ports.audit, clock),
    ...(ports.sweepSource ? { sweepSource: ports.sweepSource } : {}),
  };
}
