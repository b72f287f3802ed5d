// Long because Run is one seeded simulation: its short steps share the world, the crash plan, the
// checker, the process under test and the trace; apart, each would take all of them as arguments.
import { createHash } from 'node:crypto';
import { ensureClient } from '@strongroom/api-auth';
import type { Database } from '@strongroom/persistence';
import { DomainError, type ChainId } from '@strongroom/shared-types';
import { Checker } from './check/checker';
import { InvariantFailure, KNOWN_REGRESSIONS, type Violation } from './check/violation';
import { withSeededUuids } from './deterministic-ids';
import { mutatedConfig, type Mutation } from './mutations';
import { Prng } from './prng';
import { OPERATOR } from '@strongroom/withdrawals';
import { simAddress } from './world/sim-adapter';
import { CrashPlan, SimCrash, SimDbFault } from './process/crash-plan';
import { CHAINS, SimProcess, type ProcessConfig } from './process/sim-process';
import { ASSET_OF, createWallets, freshDatabase, randomPolicy, SIM_ASSETS } from './setup';
import { CLIENTS, USERS, Workload } from './workload';
import { World } from './world/world';

export interface SimOptions {
  seed: number;
  steps: number;
  mutation?: Mutation;
  /** Known regressions fail the run too. */
  strict?: boolean;
  /** Run the per-step invariants every this many steps (1 = after every step). */
  checkEvery?: number;
  /** Every trace line as it happens (`--verbose`). */
  onLine?: (line: string) => void;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  /** The step the first failure was found at (the settling phase is `steps`). */
  failedAt: number | null;
  violations: Violation[];
  /** Known regressions seen (not failures unless strict). */
  known: Violation[];
  /** SHA-256 over the whole trace: two runs of one seed must give the same. */
  traceHash: string;
  trace: string[];
  stats: Record<string, number>;
  crashes: Record<string, number>;
  elapsedMs: number;
}

const WEIGHTS = {
  mine: 12,
  reorg: 1.5,
  evict: 2,
  resend: 1,
  deposit: 8,
  address: 3,
  withdraw: 12,
  approve: 5,
  cancel: 2,
  policy: 0.6,
  follow: 16,
  work: 26,
  time: 4,
  crash: 1.5,
  nodeDown: 0.6,
  nodeLag: 0.5,
  kmsDisable: 0.4,
} as const;
type Action = keyof typeof WEIGHTS;

/** Rounds of the settling phase (faults off, blocks mined, 30 s each) before anything unfinished counts as stuck: longer than the vanished-deposit bound. */
const SETTLE_ROUNDS = 40;
/** The operator float per asset, in whole units. */
const FLOAT_UNITS = 100n;
/** Blocks mined in the settling phase at least (deeper than any confirmation rule). */
const SETTLE_MIN_ROUNDS = 6;

/** Whether a worker's runOnce result says it did something (so it is worth running again). */
function moved(r: unknown): boolean {
  if (r === null || r === undefined) return false;
  if (Array.isArray(r)) return r.length > 0;
  if (typeof r === 'object')
    return Object.values(r).some((v) => (Array.isArray(v) ? v.length > 0 : v !== null && v !== undefined));
  return true;
}

/** One seeded run: the world, the process (rebuilt on every crash), the workload and the checks. */
export function simulate(opts: SimOptions): Promise<SimResult> {
  const rng = new Prng(opts.seed);
  return withSeededUuids(rng.fork('uuid'), async () => {
    const db = await freshDatabase();
    try {
      return await new Run(db, rng, opts).go();
    } finally {
      await db.close();
    }
  });
}

class Run {
  private readonly world: World;
  private readonly plan: CrashPlan;
  private readonly checker: Checker;
  private readonly workload: Workload;
  private readonly config: ProcessConfig;
  private p!: SimProcess;
  private readonly trace: string[] = [];
  private readonly stats: Record<string, number> = {};
  private readonly known = new Map<string, Violation>();
  private readonly started = Date.now();
  /** Probability that a follower or worker step arms a crash (drawn per seed). */
  private pArm = 0.12;

  constructor(
    private readonly db: Database,
    private readonly rng: Prng,
    private readonly opts: SimOptions,
  ) {
    this.world = new World(rng.fork('world'));
    this.plan = new CrashPlan(rng.fork('crash'));
    this.checker = new Checker(db, this.world, SIM_ASSETS);
    this.workload = new Workload(this.world, rng.fork('workload'));
    const base: ProcessConfig = {
      assets: SIM_ASSETS,
      wallets: createWallets(this.world),
      settleConfirmations: {
        bitcoin: SIM_ASSETS.get('BTC').confirmations,
        ethereum: SIM_ASSETS.get('ETH').confirmations,
      },
      leaseMs: 30_000,
      rebroadcastAfterMs: 20_000,
    };
    this.config = mutatedConfig(base, opts.mutation);
    this.swarm(rng.fork('swarm'));
    for (const c of CLIENTS) this.checker.users.set(c, new Set(USERS));
  }

  /**
   * Swarm testing: each seed draws its own fault rates (some seeds run with none of a kind, some
   * with many), so rare interleavings that one fixed mix would never reach show up on some seed.
   */
  private swarm(r: Prng): void {
    this.plan.pDbFault = r.pick([0, 0.005, 0.01, 0.03]);
    this.world.nodes.pLostAck = r.pick([0, 0.05, 0.2]);
    this.world.kms.pThrottle = r.pick([0, 0.03, 0.1]);
    this.world.kms.pTimeout = r.pick([0, 0.02, 0.08]);
    this.pArm = r.pick([0.03, 0.12, 0.25]);
  }

  async go(): Promise<SimResult> {
    this.restart('start');
    await this.setUp();
    for (let step = 0; step < this.opts.steps; step++) {
      await this.step(step);
      if (step % (this.opts.checkEvery ?? 1) === 0 || step === this.opts.steps - 1) {
        const failed = await this.check(step, await this.checker.afterStep());
        if (failed) return failed;
      }
    }
    const failed = await this.settle();
    if (failed) return failed;
    await this.countOutcomes();
    const end = [...(await this.checker.afterStep()), ...(await this.checker.atEnd())];
    return (await this.check(this.opts.steps, end)) ?? this.result(null, []);
  }

  /** Setting up is not under test: no database faults until the workload starts. */
  private async setUp(): Promise<void> {
    this.plan.quiet = true;
    for (const c of CLIENTS) await ensureClient(this.db, { id: c, name: `client ${c}`, custody: 'pooled' });
    for (const chain of CHAINS) {
      const w = this.config.wallets[chain];
      await this.p.custodyWallets.register({
        id: w.id,
        chain,
        clientId: null,
        threshold: w.threshold,
        publicKeys: w.publicKeys,
      });
      await this.p.policies.put(
        { keyId: 'admin-0', role: 'admin' },
        ASSET_OF[chain],
        '*',
        randomPolicy(this.world, ASSET_OF[chain]),
      );
      await this.p.db.transaction((tx) => this.p.deps.accounts.inFlight(tx, chain, ASSET_OF[chain]));
    }
    await this.fundFloat();
    for (const chain of CHAINS) for (let i = 0; i < 3; i++) this.world.chains[chain].mine(this.world.clock.millis, 1);
    for (let i = 0; i < 4; i++) await this.workload.issueAddress(this.p);
    this.plan.quiet = false;
  }

  /**
   * The operator's own funds in custody (paid on chain, booked custody → equity): network fees
   * paid from custody come out of them, so user balances stay covered and the solvency gate
   * has no reason to stop signing.
   */
  private async fundFloat(): Promise<void> {
    for (const chain of CHAINS) {
      const asset = ASSET_OF[chain];
      const amount = FLOAT_UNITS * 10n ** BigInt(SIM_ASSETS.get(asset).decimals);
      this.checker.floatAddresses[chain] = simAddress(chain, 'custody-float');
      this.world.chains[chain].accept({
        txid: createHash('sha256').update(`float-${chain}`).digest('hex'),
        fee: 0n,
        outputs: [{ address: this.checker.floatAddresses[chain], asset, amount }],
      });
      const custody = await this.p.ledger.openAccount({
        clientId: OPERATOR,
        ownerId: this.config.wallets[chain].id,
        asset,
        kind: 'custody',
      });
      const equity = await this.p.ledger.openAccount({
        clientId: OPERATOR,
        ownerId: 'operator-float',
        asset,
        kind: 'equity',
      });
      await this.p.ledger.transfer({
        id: `float:${chain}`,
        debitAccountId: custody.id,
        creditAccountId: equity.id,
        amount,
        code: 'operator_float',
      });
    }
  }

  private async step(step: number): Promise<void> {
    this.world.clock.advance(this.rng.int(100, 3_000));
    const action = this.rng.weighted(WEIGHTS);
    let line: string;
    try {
      line = await this.act(action);
    } catch (err) {
      line = `${action} threw ${this.classify(action, err)}`;
    }
    if (this.plan.dead) {
      line += ' → crash, restart';
      this.restart(this.plan.lastCrash || 'crash');
    }
    this.world.nodes.tick();
    this.world.kms.tick();
    this.log(`${step} ${line}`);
  }

  private async act(action: Action): Promise<string> {
    const chain: ChainId = this.rng.chance(0.5) ? 'bitcoin' : 'ethereum';
    const sim = this.world.chains[chain];
    switch (action) {
      case 'mine':
        return `mine ${chain} ${sim.mine(this.world.clock.millis, 0.85).height}`;
      case 'reorg': {
        const depth = this.rng.int(1, SIM_ASSETS.get(ASSET_OF[chain]).confirmations - 1);
        const r = sim.reorg(depth, this.rng.int(0, 2), this.world.clock.millis);
        return `reorg ${chain} depth ${depth} (${r.orphaned.length} orphaned) tip ${sim.tip.height}`;
      }
      case 'evict': {
        const lost = sim.evictOne();
        if (lost && !lost.batchId) this.workload.lostDeposits.push(lost);
        return `evict ${chain} ${lost ? lost.txid.slice(0, 8) : 'nothing'}`;
      }
      case 'resend':
        return this.workload.resendLostDeposit();
      case 'deposit':
        return this.workload.deposit();
      case 'address':
        return this.workload.issueAddress(this.p);
      case 'withdraw':
        return this.workload.requestWithdrawal(this.p);
      case 'approve':
        return this.workload.approve(this.p);
      case 'cancel':
        return this.workload.cancel(this.p);
      case 'policy':
        return this.workload.changePolicy(this.p);
      case 'follow':
        return this.follow(chain);
      case 'work':
        return this.work(chain);
      case 'time': {
        const ms = this.rng.int(5_000, 90_000);
        this.world.clock.advance(ms);
        return `time +${ms}ms`;
      }
      case 'crash':
        this.restart('between steps');
        return 'crash between steps, restart';
      case 'nodeDown': {
        const n = this.rng.int(1, 8);
        this.world.nodes.down(chain, n);
        return `${chain} node down for ${n} steps`;
      }
      case 'nodeLag': {
        const n = this.rng.int(1, 2);
        this.world.nodes.lagBehind(chain, n, this.rng.int(2, 10));
        return `${chain} node ${n} blocks behind`;
      }
      case 'kmsDisable': {
        const key = this.rng.pick(this.config.wallets[chain].publicKeys);
        this.world.kms.disable(key, this.rng.int(2, 10));
        return `kms key ${key.slice(0, 8)} disabled`;
      }
    }
  }

  private async follow(chain: ChainId): Promise<string> {
    this.maybeArm();
    const r = await this.p.followers[chain].step();
    return `follow ${chain}: ${r.kind}${'height' in r ? ` ${r.height}` : ''}`;
  }

  private async work(chain: ChainId): Promise<string> {
    this.maybeArm();
    const w = this.p.runner.workers.find((x) => x.chain === chain);
    if (!w) throw new Error(`no workers for ${chain}`);
    const worker = this.rng.pick(['batcher', 'signer', 'broadcaster', 'confirmer', 'settler'] as const);
    const r = await w[worker].runOnce();
    return `${worker} ${chain}: ${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))?.slice(0, 120)}`;
  }

  private maybeArm(): void {
    if (this.rng.chance(this.pArm)) this.plan.arm(this.rng.int(1, 4));
  }

  /** A crash: every in-memory object is dropped and the process is built again over the same database. */
  private restart(why: string): void {
    this.count(`restart`);
    this.plan.revive();
    this.p = new SimProcess(this.db, this.world, this.plan, this.config);
    if (why !== 'start') this.count(`crash:${why}`);
  }

  /** What an error means: a crash, an expected refusal, a fault the system must ride out, or a bug. */
  private classify(action: Action, err: unknown): string {
    const name = err instanceof DomainError ? `${err.code}` : err instanceof Error ? err.name : 'non-error';
    this.count(`error:${name}`);
    if (process.env.SIM_DEBUG && name === process.env.SIM_DEBUG) console.error(err);
    if (err instanceof SimCrash || err instanceof SimDbFault || this.plan.dead) return name;
    const apiCall = ['address', 'withdraw', 'approve', 'cancel', 'policy'].includes(action);
    if (apiCall && !(err instanceof DomainError && err.status < 500)) {
      this.known.set(`api:${name}`, {
        code: 'api.unexpected_error',
        detail: `${action}: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
    return `${name}: ${(err instanceof Error ? err.message : String(err)).slice(0, 100)}`;
  }

  /** The end: faults stop, approvers catch up, blocks are mined and the workers run until all is final. */
  private async settle(): Promise<SimResult | null> {
    this.world.calm();
    this.plan.quiet = true;
    this.plan.disarm();
    this.restart('settle');
    await this.workload.approveAll(this.p).catch(() => 0);
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      for (const c of CHAINS) this.world.chains[c].mine(this.world.clock.millis, 1);
      for (const c of CHAINS)
        await this.p.followers[c].syncToTip(1_000).catch((e: Error) => this.log(`settle follow ${c}: ${e.message}`));
      for (const w of this.p.runner.workers) {
        for (const worker of ['batcher', 'signer', 'broadcaster', 'confirmer', 'settler'] as const) {
          for (let i = 0; i < 10; i++) {
            const r = await w[worker]
              .runOnce()
              .catch((e: Error) => (this.log(`settle ${w.chain} ${worker}: ${e.message}`), null));
            if (!moved(r)) break;
          }
        }
      }
      const [{ n }] = await this.db.query<{ n: string }>(
        `SELECT ((SELECT count(*) FROM withdrawals.withdrawals WHERE status NOT IN ('settled', 'failed', 'cancelled', 'rejected'))
               + (SELECT count(*) FROM deposits.deposits WHERE state = 'seen'))::text AS n`,
      );
      const failed = await this.check(this.opts.steps, await this.checker.afterStep());
      if (failed) return failed;
      if (round >= SETTLE_MIN_ROUNDS && n === '0') break;
      this.world.clock.advance(30_000);
    }
    this.log(`settling phase done`);
    return null;
  }

  /** How the run's withdrawals and deposits ended, for the summary (and the trace hash). */
  private async countOutcomes(): Promise<void> {
    const w = await this.db.query<{ k: string; n: string }>(
      `SELECT chain || '.' || status AS k, count(*)::text AS n FROM withdrawals.withdrawals GROUP BY 1 ORDER BY 1`,
    );
    const d = await this.db.query<{ k: string; n: string }>(
      `SELECT chain || '.' || state AS k, count(*)::text AS n FROM deposits.deposits GROUP BY 1 ORDER BY 1`,
    );
    for (const r of w) this.stats[`withdrawals.${r.k}`] = Number(r.n);
    for (const r of d) this.stats[`deposits.${r.k}`] = Number(r.n);
    this.log(`outcomes ${JSON.stringify([...w, ...d])}`);
  }

  /** Splits violations into failures and known regressions; returns the failed result, if any. */
  private async check(step: number, found: Violation[]): Promise<SimResult | null> {
    const failures = found.filter((v) => {
      if (KNOWN_REGRESSIONS[v.code] && !this.opts.strict) {
        this.known.set(`${v.code}:${v.detail}`, v);
        return false;
      }
      return true;
    });
    if (failures.length === 0) return null;
    this.log(new InvariantFailure(failures, step).message);
    return this.result(step, failures);
  }

  private result(failedAt: number | null, violations: Violation[]): SimResult {
    const hash = createHash('sha256');
    for (const l of this.trace) hash.update(l).update('\n');
    return {
      seed: this.opts.seed,
      ok: failedAt === null,
      failedAt,
      violations,
      known: [...this.known.values()],
      traceHash: hash.digest('hex'),
      trace: this.trace,
      stats: {
        ...this.stats,
        steps: this.opts.steps,
        nodeDown: this.world.nodes.counts.down,
        lostAcks: this.world.nodes.counts.lostAck,
        ...prefixed('kms', this.world.kms.counts),
      },
      crashes: Object.fromEntries(this.plan.crashed),
      elapsedMs: Date.now() - this.started,
    };
  }

  private log(line: string): void {
    this.trace.push(line);
    this.opts.onLine?.(line);
  }

  private count(key: string): void {
    this.stats[key] = (this.stats[key] ?? 0) + 1;
  }
}

function prefixed(prefix: string, o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [`${prefix}.${k}`, v]));
}
