import type { ContextDescriptor } from '@strongroom/persistence';
import { AuditInit1795322032770 } from './migrations/audit-init.migration';
import { AuditChainAfterCommit1795341207731 } from './migrations/audit-chain-after-commit.migration';

/** The `audit` schema: the hash-chained log other contexts append to inside their transactions. */
export const auditContext: ContextDescriptor = {
  name: 'audit',
  schema: 'audit',
  migrations: [AuditInit1795322032770, AuditChainAfterCommit1795341207731],
  dependsOn: [],
};
