import type { ChainId } from '@strongroom/shared-types';
import { Prng } from '../prng';
import { SimChain } from './sim-chain';
import { NodeFaults } from './node-faults';
import { SimClock } from './sim-clock';
import { SimKms } from './sim-signer';

/** Network fee every simulated withdrawal transaction pays, per chain (base units). */
export const NETWORK_FEE: Record<ChainId, bigint> = { bitcoin: 1_000n, ethereum: 21_000n * 10n ** 9n };

/**
 * Everything outside our process: both chains, their nodes, the KMS and the clock. It survives
 * every simulated crash; the process (services, adapters, workers) is rebuilt around it.
 */
export class World {
  readonly clock = new SimClock();
  readonly chains: Record<ChainId, SimChain>;
  readonly nodes: NodeFaults;
  readonly kms: SimKms;

  constructor(readonly rng: Prng) {
    this.chains = {
      bitcoin: new SimChain('bitcoin', rng.fork('bitcoin')),
      ethereum: new SimChain('ethereum', rng.fork('ethereum')),
    };
    this.nodes = new NodeFaults(rng.fork('nodes'));
    this.kms = new SimKms(rng.fork('kms'));
  }

  /** Turns every fault off (the settling phase at the end of a run). */
  calm(): void {
    this.nodes.quiet = true;
    this.nodes.reset();
    this.kms.quiet = true;
    this.kms.reset();
  }
}
