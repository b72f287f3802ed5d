import { AuditLog } from '@strongroom/audit';
import type { ChainAdapter, CustodyWallet } from '@strongroom/chains-core';
import { CustodyWallets, DepositAddresses, DepositFollower } from '@strongroom/deposits';
import { enqueue } from '@strongroom/events';
import { LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import type { ChainId } from '@strongroom/shared-types';
import {
  ApprovalService,
  createPipelineDeps,
  PipelineRunner,
  WithdrawalService,
  type PolicyService,
  type SignerDeps,
} from '@strongroom/withdrawals';
import { toChainWalletView } from '@strongroom/wallets';
import { SimAdapter } from '../world/sim-adapter';
import { NETWORK_FEE, type World } from '../world/world';
import type { CrashPlan } from './crash-plan';
import { faultyDatabase } from './faulty-database';

/** A seen deposit whose transaction left the simulated network is dropped after this long. */
export const VANISH_AFTER_MS = 3 * 60_000;

export const CHAINS: readonly ChainId[] = ['bitcoin', 'ethereum'];

/** What the process is started with: the same after every crash (it is configuration, not memory). */
export interface ProcessConfig {
  /** The registry the system runs with (a mutation may weaken it; the checker keeps the true one). */
  assets: AssetRegistry;
  wallets: Record<ChainId, CustodyWallet>;
  /** Confirmations the withdrawal pipeline waits for before settling, per chain. */
  settleConfirmations: Record<ChainId, number>;
  leaseMs: number;
  rebroadcastAfterMs: number;
  /** The ledger the deposit followers write through (a mutation may wrap it). */
  followerLedger?: (ledger: LedgerService) => LedgerService;
}

/**
 * One life of the process: every in-memory object — services, adapters (with their watch sets),
 * followers, workers — built over the database, the world and the crash plan. A crash throws this
 * away and builds a new one from the same database, exactly as a restarted process would.
 */
export class SimProcess {
  readonly db: Database;
  readonly ledger: LedgerService;
  readonly audit: AuditLog;
  readonly custodyWallets: CustodyWallets;
  readonly addresses: DepositAddresses;
  readonly adapters: Record<ChainId, ChainAdapter>;
  readonly followers: Record<ChainId, DepositFollower>;
  readonly deps: SignerDeps;
  readonly withdrawals: WithdrawalService;
  readonly approvals: ApprovalService;
  readonly policies: PolicyService;
  readonly runner: PipelineRunner;

  constructor(rawDb: Database, world: World, plan: CrashPlan, config: ProcessConfig) {
    const db = faultyDatabase(rawDb, plan);
    this.db = db;
    this.ledger = new LedgerService(db);
    this.audit = new AuditLog(db);
    this.custodyWallets = new CustodyWallets(db);
    const adapters = CHAINS.map((c) =>
      guardedAdapter(new SimAdapter(world.chains[c], world.nodes, NETWORK_FEE[c]), plan),
    );
    this.adapters = { bitcoin: adapters[0], ethereum: adapters[1] };
    this.addresses = new DepositAddresses(db, this.custodyWallets, config.assets, adapters, this.ledger);
    const clock = () => world.clock.now();
    const follower = (c: ChainId) =>
      new DepositFollower({
        db,
        adapter: this.adapters[c],
        assets: config.assets,
        ledger: config.followerLedger ? config.followerLedger(this.ledger) : this.ledger,
        startHeight: 1,
        clock,
        audit: this.audit,
        // Short enough that the settling phase (30 s a round) outlasts it.
        vanish: { dropAfterMs: VANISH_AFTER_MS, checkEveryMs: 10_000 },
        checkpoint: (point) => plan.point(`follower.${point}`),
      });
    this.followers = { bitcoin: follower('bitcoin'), ethereum: follower('ethereum') };
    this.deps = createPipelineDeps({
      db,
      ledger: this.ledger,
      audit: this.audit,
      outbox: { enqueue },
      // The same directory deposit addresses come from: withdrawals are paid by the wallet deposits went to.
      wallets: { walletFor: (chain, clientId) => walletFor(this.custodyWallets, chain, clientId) },
      signer: { sign: (walletId, publicKey, digest) => (plan.guard(), world.kms.sign(walletId, publicKey, digest)) },
      adapters,
      assets: config.assets,
      clock: world.clock,
    });
    this.withdrawals = new WithdrawalService(this.deps);
    this.approvals = new ApprovalService(this.deps);
    this.policies = this.deps.policies;
    this.runner = new PipelineRunner(this.deps, {
      chains: CHAINS.map((chain) => ({
        chain,
        batchMaxSize: 8,
        batchMaxAgeMs: 0,
        leaseMs: config.leaseMs,
        confirmations: config.settleConfirmations[chain],
        rebroadcastAfterMs: config.rebroadcastAfterMs,
      })),
      fault: (point) => plan.point(`withdrawals.${point}`),
    });
  }
}

/** Every call of a dead process's adapter is refused: a crashed process broadcasts nothing more. */
function guardedAdapter(adapter: SimAdapter, plan: CrashPlan): ChainAdapter {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        plan.guard();
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

async function walletFor(wallets: CustodyWallets, chain: ChainId, clientId: string): Promise<CustodyWallet> {
  const w = await wallets.directory.walletFor(chain, clientId);
  if (!w) throw new Error(`no ${chain} custody wallet is registered`);
  return toChainWalletView(w);
}
