import type { ChainAdapter } from '@strongroom/chains-core';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { domainError, type ChainId } from '@strongroom/shared-types';
import type {
  AuditPort,
  Clock,
  DigestSigner,
  OutboxPort,
  SweepSource,
  WalletDirectory,
  WithdrawalLedger,
} from '../ports';
import type { LedgerAccounts } from './ledger-accounts';
import { WithdrawalErrors } from '../withdrawals.errors';

/**
 * Everything the services and workers of the pipeline share (wired by WithdrawalsModule or a test).
 * The policy service is not here: only the request path needs it (PolicyDeps), and keeping it out
 * lets policy/ build on core/ without core/ depending back on policy/.
 */
export interface PipelineDeps {
  db: Database;
  ledger: WithdrawalLedger;
  accounts: LedgerAccounts;
  audit: AuditPort;
  outbox: OutboxPort;
  clock: Clock;
  assets: AssetRegistry;
  adapters: Map<ChainId, ChainAdapter>;
  wallets: WalletDirectory;
  /** The deposit feed the sweeper learns deposit addresses from (only where sweeps run). */
  sweepSource?: SweepSource;
}

/** What the workers need: the shared dependencies and the digest signer (KMS). */
export interface WorkerDeps extends PipelineDeps {
  signer: DigestSigner;
}

export function adapterFor(deps: PipelineDeps, chain: ChainId): ChainAdapter {
  const a = deps.adapters.get(chain);
  if (!a)
    throw domainError(WithdrawalErrors['chain.unavailable'], `no ${chain} adapter is configured in this deployment`, {
      chain,
    });
  return a;
}
