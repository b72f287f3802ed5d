import { ComplianceInit1763800100000 } from './snapshot/compliance.migrations';
import { ComplianceReconciliation1763800100100 } from './reconciliation/reconciliation.migrations';
import { ComplianceLiabilityProofs1763800100200 } from './proof/liabilities.migrations';
import { ComplianceScheduleClaims1764790000000 } from './reconciliation/schedule-claims.migration';

/** Migrations of the `compliance` schema, in order. */
export const complianceMigrations = [
  ComplianceInit1763800100000,
  ComplianceReconciliation1763800100100,
  ComplianceLiabilityProofs1763800100200,
  ComplianceScheduleClaims1764790000000,
];

export * from './assets/proof-of-assets.service';
export * from './compliance.module';
export * from './holdings';
export * from './ports';
export * from './prices/price-source';
export * from './prices/value-of';
export * from './proof';
export * from './proof/liabilities.service';
export * from './reconciliation/reconcile-asset';
export * from './reconciliation/reconciliation.service';
export * from './segregation/segregation.service';
export * from './snapshot/snapshot-hash';
export * from './snapshot/snapshot.service';
