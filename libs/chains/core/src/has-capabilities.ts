import type { ChainCapabilities } from './capabilities';
import type { ChainAdapter } from './chain-adapter';

/** An adapter known to have the capabilities `K` (narrowed by `hasCapabilities`). */
export type AdapterWith<K extends keyof ChainCapabilities> = ChainAdapter & {
  readonly capabilities: ChainCapabilities & Required<Pick<ChainCapabilities, K>>;
};

/** Whether the adapter declares every capability in `keys`. */
export function hasCapabilities<K extends keyof ChainCapabilities>(
  adapter: ChainAdapter,
  ...keys: K[]
): adapter is AdapterWith<K> {
  return keys.every((k) => adapter.capabilities[k] !== undefined);
}
