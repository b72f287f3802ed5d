import type { ContextDescriptor } from '@strongroom/persistence';
import { auditContext } from '@strongroom/audit';
import { AuthInit1763800200000 } from './migrations/auth-init.migration';
import { AuthLeastPrivilege1764700010000 } from './migrations/auth-least-privilege.migration';
import { AuthKeyNotify1795350000000 } from './migrations/auth-key-notify.migration';

/** The `auth` schema: API keys, nonces, clients, dual-control changes (each audited in its transaction). */
export const authContext: ContextDescriptor = {
  name: 'auth',
  schema: 'auth',
  migrations: [AuthInit1763800200000, AuthLeastPrivilege1764700010000, AuthKeyNotify1795350000000],
  dependsOn: [auditContext],
};
