import { authContext } from '@strongroom/api-auth';
import { auditContext } from '@strongroom/audit';
import { depositsContext } from '@strongroom/deposits';
import type { ContextDescriptor } from '@strongroom/persistence';
import { walletsContext } from '@strongroom/wallets';
import { withdrawalsContext } from '@strongroom/withdrawals';
import { ComplianceLiabilityProofs1763800100200 } from './proof/liabilities.migrations';
import { CompliancePublication1764860000000 } from './proof/publication/publication.migrations';
import { ComplianceReconciliation1763800100100 } from './reconciliation/reconciliation.migrations';
import { ComplianceScheduleClaims1764790000000 } from './reconciliation/schedule-claims.migration';
import { ComplianceInit1763800100000 } from './snapshot/compliance.migrations';

/**
 * The `compliance` schema. Holdings read `deposits` (addresses, cursors, deposits) and
 * `withdrawals` (batches in flight); snapshots and proofs are audited; the API is behind `auth`.
 */
export const complianceContext: ContextDescriptor = {
  name: 'compliance',
  schema: 'compliance',
  migrations: [
    ComplianceInit1763800100000,
    ComplianceReconciliation1763800100100,
    ComplianceLiabilityProofs1763800100200,
    ComplianceScheduleClaims1764790000000,
    CompliancePublication1764860000000,
  ],
  dependsOn: [walletsContext, depositsContext, withdrawalsContext, auditContext, authContext],
};
