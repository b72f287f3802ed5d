import type { ChainId } from '@strongroom/shared-types';
import { Batcher } from '../batches/batcher';
import { Broadcaster } from '../batches/broadcaster';
import { Confirmer } from '../batches/confirmer';
import type { FaultHook } from '../core/fault-points';
import { NonceFiller } from '../relayer/nonce-filler';
import type { SignerDeps } from './create-pipeline-deps';
import { measureBatches } from '../batches/batch-metrics';
import { measureWithdrawalQueue } from './withdrawal-queue-metrics';
import { restoreReservations } from '../batches/outpoint-reservations';
import { Settler } from '../batches/settler';
import { hasCapabilities } from '@strongroom/chains-core';
import { SignerWorker } from '../batches/signer.worker';
import type { SweepOptions } from '../sweeps/sweep-options';
import { Sweeper } from '../sweeps/sweeper';
import { stopWithin, type StopOutcome } from '@strongroom/shared-http';

/** Runs of one worker per round at most. */
const STEPS_PER_ROUND = 20;

export interface ChainPipelineOptions {
  chain: ChainId;
  batchMaxSize?: number;
  batchMaxAgeMs?: number;
  leaseMs?: number;
  confirmations?: number;
  rebroadcastAfterMs?: number;
  bumpAfterMs?: number;
  feeCeiling?: bigint;
  feePolicy?: Record<string, string>;
  sequential?: boolean;
  /** A batch whose settlement the ledger refused is tried again after this long (default 60 s). */
  settleRetryAfterMs?: number;
  /** Sweep this chain's deposit addresses into custody (Ethereum); absent = no sweeps here. */
  sweep?: SweepOptions;
  /** A batch in a non-final state older than this counts in strongroom_withdrawal_batches_stuck (default 1 h). */
  stuckAfterMs?: number;
  /** UTXO chains: longest pause between two re-sends of a forgotten transaction (default 10 min). */
  maxResendBackoffMs?: number;
}

export interface PipelineRunnerOptions {
  chains: ChainPipelineOptions[];
  /** Pause between polling rounds when a round found nothing to do. */
  idleMs?: number;
  fault?: FaultHook;
  onError?: (err: unknown, worker: string) => void;
}

/** The workers of every configured chain, run in rounds; each worker resumes whatever it finds. */
export class PipelineRunner {
  readonly workers: {
    chain: ChainId;
    batcher: Batcher;
    signer: SignerWorker;
    broadcaster: Broadcaster;
    confirmer: Confirmer;
    settler: Settler;
    sweeper: Sweeper | null;
    /** Fills reserved relayer nonces whose transaction will never be sent (chains whose adapter can build a fill). */
    nonceFiller: NonceFiller;
    stuckAfterMs: number;
  }[];
  /** Chains whose outpoint reservations were rebuilt from the stored batches (once per runner). */
  private readonly restored = new Set<ChainId>();
  private running = false;
  /** Set by stop(): the round in progress ends after its current step. */
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly deps: SignerDeps,
    private readonly opts: PipelineRunnerOptions,
  ) {
    this.workers = opts.chains.map((c) => {
      const leaseMs = c.leaseMs ?? 60_000;
      const confirmations = c.confirmations ?? Math.max(1, ...deps.assets.onChain(c.chain).map((a) => a.confirmations));
      return {
        chain: c.chain,
        batcher: new Batcher(
          deps,
          { chain: c.chain, maxSize: c.batchMaxSize ?? 100, maxAgeMs: c.batchMaxAgeMs ?? 5_000 },
          opts.fault,
        ),
        signer: new SignerWorker(
          deps,
          { chain: c.chain, leaseMs, feePolicy: c.feePolicy, sequential: c.sequential ?? c.chain === 'ethereum' },
          opts.fault,
        ),
        broadcaster: new Broadcaster(deps, { chain: c.chain, leaseMs, confirmations: c.confirmations }, opts.fault),
        confirmer: new Confirmer(
          deps,
          {
            chain: c.chain,
            confirmations: c.confirmations,
            rebroadcastAfterMs: c.rebroadcastAfterMs ?? 60_000,
            bumpAfterMs: c.bumpAfterMs,
            feeCeiling: c.feeCeiling,
            maxResendBackoffMs: c.maxResendBackoffMs,
          },
          opts.fault,
        ),
        stuckAfterMs: c.stuckAfterMs ?? 3_600_000,
        settler: new Settler(deps, { chain: c.chain, retryAfterMs: c.settleRetryAfterMs }, opts.fault),
        sweeper: c.sweep
          ? new Sweeper(
              deps,
              {
                chain: c.chain,
                sweep: c.sweep,
                leaseMs,
                confirmations,
                rebroadcastAfterMs: c.rebroadcastAfterMs ?? 60_000,
                bumpAfterMs: c.bumpAfterMs,
                feeCeiling: c.feeCeiling,
              },
              opts.fault,
            )
          : null,
        nonceFiller: new NonceFiller(
          deps,
          { chain: c.chain, confirmations, rebroadcastAfterMs: c.rebroadcastAfterMs ?? 60_000 },
          opts.fault,
        ),
      };
    });
  }

  /** One round over every worker of every chain; returns whether anything moved. */
  async tick(): Promise<boolean> {
    let moved = false;
    for (const w of this.workers) {
      if (this.stopping) break;
      if (!(await this.restoreOnce(w.chain))) continue;
      const steps: [string, () => Promise<unknown>][] = [
        ['batcher', async () => (await w.batcher.runOnce()).length > 0],
        [
          'signer',
          async () => {
            const r = await w.signer.runOnce();
            return r.prepared !== null || r.signed !== null;
          },
        ],
        ['broadcaster', async () => (await w.broadcaster.runOnce()) !== null],
        [
          'confirmer',
          async () => {
            const r = await w.confirmer.runOnce();
            return r.confirmed.length + r.failed.length > 0;
          },
        ],
        ['settler', async () => (await w.settler.runOnce()) !== null],
        ...(w.sweeper ? [['sweeper', () => (w.sweeper as Sweeper).runOnce()] as [string, () => Promise<unknown>]] : []),
        // Last: a batch or sweep refused earlier in this round gets its nonce filled in the same round.
        ['nonce-filler', () => w.nonceFiller.runOnce()],
        [
          'metrics',
          async () => {
            await measureBatches(this.deps, w.chain, w.stuckAfterMs);
            await measureWithdrawalQueue(this.deps.db, w.chain, this.deps.clock.now());
            return false;
          },
        ],
      ];
      for (const [name, step] of steps) {
        // Each worker drains what it finds (bounded, so one busy chain cannot starve the rest).
        for (let i = 0; i < STEPS_PER_ROUND && !this.stopping; i++) {
          try {
            if (!(await step())) break;
            moved = true;
          } catch (err) {
            if (!this.opts.onError) throw err;
            this.opts.onError(err, `${w.chain}.${name}`);
            break;
          }
        }
      }
    }
    return moved;
  }

  /**
   * Before the first round of a UTXO chain: every batch that may still spend its inputs owns them
   * again (batches stored before reservations existed included). Until that succeeds the chain's
   * workers do not run, so no batch can be built over an outpoint another one spends.
   */
  private async restoreOnce(chain: ChainId): Promise<boolean> {
    if (this.restored.has(chain)) return true;
    const adapter = this.deps.adapters.get(chain);
    try {
      if (adapter && hasCapabilities(adapter, 'utxo')) {
        const r = await restoreReservations(this.deps, adapter, chain);
        if (r.contested.length > 0)
          this.opts.onError?.(
            new Error(
              `batches ${r.contested.join(', ')} claim outpoints an older batch owns; the chain decides which is mined`,
            ),
            `${chain}.reservations`,
          );
      }
      this.restored.add(chain);
      return true;
    } catch (err) {
      if (!this.opts.onError) throw err;
      this.opts.onError(err, `${chain}.reservations`);
      return false;
    }
  }

  /** Runs rounds until `stop()`; errors go to `onError` and the round goes on. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = (async () => {
      while (this.running) {
        const moved = await this.tick().catch((err) => {
          this.opts.onError?.(err, 'round');
          return false;
        });
        if (!moved && this.running) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, this.opts.idleMs ?? 500);
            this.wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          this.wake = null;
        }
      }
      this.stopping = false;
    })();
  }

  /** Starts a round now instead of after the idle pause (after a request or an approval). */
  poke(): void {
    this.wake?.();
  }

  /**
   * Starts no new step and waits for the one in progress, at most `boundMs`; past it the step is
   * left to the database closing under it (its lease lets the next process resume it).
   */
  async stop(boundMs?: number): Promise<StopOutcome> {
    this.running = false;
    this.stopping = true;
    this.wake?.();
    const outcome = await stopWithin('withdrawal pipeline', this.loop, boundMs);
    // Rounds run by hand (tick()) after a stop still do their work; an abandoned loop clears it when it ends.
    if (outcome === 'stopped') this.stopping = false;
    return outcome;
  }
}
