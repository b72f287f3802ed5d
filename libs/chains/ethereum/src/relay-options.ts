import type { RelayOptions as CoreRelayOptions } from '@strongroom/chains-core';

/** Relayer side of a relay round: its key, and the nonce/fees the caller reserved. Gas limit is estimated when absent. */
export interface RelayOptions extends CoreRelayOptions {
  gasLimit?: bigint;
}
