import type { ChainId } from '@strongroom/shared-types';
import type { Prng } from '../prng';

/** A node that does not answer (down, timed out): what every RPC client sees as a thrown error. */
export class NodeUnavailable extends Error {
  override name = 'NodeUnavailable';
}

interface ChainNodeState {
  /** Steps the node stays down (every call throws). */
  downFor: number;
  /** Blocks the node is behind the network (a lagging or resyncing node). */
  lag: number;
  lagFor: number;
}

/**
 * What the nodes behind the simulated adapters do wrong, per chain: go down for a while, fall a
 * few blocks behind, and accept a broadcast whose answer is lost. Outlives crashes (it is the
 * network, not our process); `quiet` turns every fault off for the settling phase.
 */
export class NodeFaults {
  quiet = false;
  /** Probability that the answer to an accepted broadcast is lost. */
  pLostAck = 0.05;
  private readonly state: Record<ChainId, ChainNodeState> = {
    bitcoin: { downFor: 0, lag: 0, lagFor: 0 },
    ethereum: { downFor: 0, lag: 0, lagFor: 0 },
  };
  /** How many calls each fault refused, for the run's summary. */
  readonly counts = { down: 0, lostAck: 0 };

  constructor(private readonly rng: Prng) {}

  down(chain: ChainId, steps: number): void {
    this.state[chain].downFor = steps;
  }

  lagBehind(chain: ChainId, blocks: number, steps: number): void {
    this.state[chain].lag = blocks;
    this.state[chain].lagFor = steps;
  }

  /** One simulation step passed. */
  tick(): void {
    for (const s of Object.values(this.state)) {
      if (s.downFor > 0) s.downFor--;
      if (s.lagFor > 0 && --s.lagFor === 0) s.lag = 0;
    }
  }

  call(chain: ChainId, op: string): void {
    if (!this.quiet && this.state[chain].downFor > 0) {
      this.counts.down++;
      throw new NodeUnavailable(`${chain} node did not answer ${op} (simulated)`);
    }
  }

  afterBroadcast(chain: ChainId): void {
    if (!this.quiet && this.rng.chance(this.pLostAck)) {
      this.counts.lostAck++;
      throw new NodeUnavailable(`${chain} node timed out after accepting a broadcast (simulated)`);
    }
  }

  lag(chain: ChainId): number {
    return this.quiet ? 0 : this.state[chain].lag;
  }

  reset(): void {
    for (const s of Object.values(this.state)) Object.assign(s, { downFor: 0, lag: 0, lagFor: 0 });
  }
}
