import type { RefusalCode } from './refusals';

/** What the whole-tree audit refuses beyond the document rules (docs § 14.2, in check order). */
export const AUDIT_REFUSALS = {
  export_format: 'not a tree export, or an export version this auditor does not know',
  leaf_negative: 'a leaf balance is negative',
  duplicate_commitment: 'two leaves have the same commitment (one user counted twice)',
  leaf_count: 'the number of leaves does not fit the published depth (too many, or too few for it)',
  tree_mismatch: 'the leaves do not lead to the published tree (a leaf was dropped, added, altered or moved)',
  totals_mismatch: 'the leaves add up to other totals than the published ones',
  holdings_invalid: 'the holdings are not a reconciliation of this snapshot',
} as const;

export type AuditCode = RefusalCode | keyof typeof AUDIT_REFUSALS;

export class AuditRefusal extends Error {
  constructor(
    readonly code: AuditCode,
    readonly at: string,
    detail?: string,
  ) {
    super(`${at.replace(/[^\x20-\x7e]/g, '?')}: ${detail ?? (AUDIT_REFUSALS as Record<string, string>)[code]}`);
    this.name = 'AuditRefusal';
  }
}
