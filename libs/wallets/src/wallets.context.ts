import type { ContextDescriptor } from '@strongroom/persistence';
import { WalletsInit1763700000000 } from './migrations/wallets-init.migration';

/**
 * The `wallets` schema: the one wallet directory. It depends on no other context; deposits, the
 * key registry, withdrawals and compliance depend on it.
 */
export const walletsContext: ContextDescriptor = {
  name: 'wallets',
  schema: 'wallets',
  migrations: [WalletsInit1763700000000],
  dependsOn: [],
};
