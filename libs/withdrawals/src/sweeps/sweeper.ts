import { domainError, type ChainId } from '@strongroom/shared-types';
import type { FaultHook } from '../core/fault-points';
import { adapterFor, type WorkerDeps } from '../core/deps';
import { hasCapabilities } from '@strongroom/chains-core';
import { SweepFollower } from './sweep-follower';
import type { SweepOptions } from './sweep-options';
import { WithdrawalErrors } from '../withdrawals.errors';
import { SweepPlanner } from './sweep-planner';
import { SweepSigner } from './sweep-signer';
import { sweepLockFor, type SweepLock } from './sweep-lock';

export interface SweeperOptions {
  chain: ChainId;
  sweep: SweepOptions;
  leaseMs: number;
  confirmations: number;
  rebroadcastAfterMs: number;
  bumpAfterMs?: number;
  feeCeiling?: bigint;
}

/**
 * Sweeps a chain's deposit addresses into custody on a schedule: the planner (feed → candidates →
 * balances → a prepared sweep per wallet when some address is due), the signer and the follower.
 * Each step resumes whatever the database says, so a process that dies anywhere is replaced by
 * one that carries on with the same stored transaction.
 */
export class Sweeper {
  readonly planner: SweepPlanner;
  readonly signer: SweepSigner;
  readonly follower: SweepFollower;
  private readonly lock: SweepLock;

  constructor(deps: WorkerDeps, opts: SweeperOptions, fault?: FaultHook) {
    const adapter = adapterFor(deps, opts.chain);
    if (!hasCapabilities(adapter, 'sweep', 'relay'))
      throw domainError(
        WithdrawalErrors['sweep.unsupported'],
        `the ${opts.chain} adapter cannot sweep deposit addresses`,
        {
          chain: opts.chain,
        },
      );
    if (!deps.sweepSource)
      throw domainError(
        WithdrawalErrors['sweep.no_source'],
        'sweeping needs the deposit feed (SWEEP_SOURCE), which is not wired',
        { chain: opts.chain },
      );
    this.lock = sweepLockFor(deps.db, opts.chain);
    this.planner = new SweepPlanner(deps, deps.sweepSource, adapter, { chain: opts.chain, sweep: opts.sweep }, fault);
    this.signer = new SweepSigner(deps, adapter, { chain: opts.chain, leaseMs: opts.leaseMs }, fault);
    this.follower = new SweepFollower(
      deps,
      adapter,
      {
        chain: opts.chain,
        confirmations: opts.confirmations,
        rebroadcastAfterMs: opts.rebroadcastAfterMs,
        bumpAfterMs: opts.bumpAfterMs,
        feeCeiling: opts.feeCeiling,
        retryAfterMs: opts.sweep.retryAfterMs ?? 3_600_000,
      },
      fault,
    );
  }

  /**
   * One pass of every step, unless another replica is in its pass (then nothing, false); returns
   * whether anything moved (the runner calls again while it does).
   */
  async runOnce(): Promise<boolean> {
    return (await this.lock.exclusive(() => this.pass())) ?? false;
  }

  private async pass(): Promise<boolean> {
    const fed = await this.planner.ingest();
    const planned = await this.planner.plan();
    const signed = await this.signer.sign();
    const sent = await this.signer.broadcast();
    const followed = await this.follower.runOnce();
    return fed > 0 || planned.length > 0 || signed !== null || sent !== null || followed.ended.length > 0;
  }
}
