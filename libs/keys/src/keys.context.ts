import type { ContextDescriptor } from '@strongroom/persistence';
import { auditContext } from '@strongroom/audit';
import { KeysInit1763820000000, KeysWalletDirectory1795330400000 } from './registry/keys-migrations';
import { walletsContext } from '@strongroom/wallets';

/** The `keys` schema: the key registry (wallets and their KMS keys); ceremonies are audited. */
export const keysContext: ContextDescriptor = {
  name: 'keys',
  schema: 'keys',
  migrations: [KeysInit1763820000000, KeysWalletDirectory1795330400000],
  dependsOn: [walletsContext, auditContext],
};
