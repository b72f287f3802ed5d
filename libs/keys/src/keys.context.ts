import type { ContextDescriptor } from '@strongroom/persistence';
import { auditContext } from '@strongroom/audit';
import { KeysInit1763820000000 } from './registry/keys-migrations';

/** The `keys` schema: the key registry (wallets and their KMS keys); ceremonies are audited. */
export const keysContext: ContextDescriptor = {
  name: 'keys',
  schema: 'keys',
  migrations: [KeysInit1763820000000],
  dependsOn: [auditContext],
};
