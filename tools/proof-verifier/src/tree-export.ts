import type { AmountMap, PublishedRoot } from './format';

/**
 * The complete tree of a published snapshot, for auditors (docs/proof-of-liabilities.md § 14):
 * the published root document and every real leaf in leaf order. A leaf is named by its
 * commitment C = H(05 ‖ v ‖ X ‖ nonce ‖ str(userId)), which is per snapshot (X binds the snapshot)
 * and hides the user id (the nonce is secret); a user finds their own leaf from the nonce in
 * their inclusion proof.
 */
export const EXPORT_FORMAT = 'strongroom-liability-tree-export';
export const EXPORT_VERSION = 1;
/** Exports are read whole; 1 GiB is about five million leaves of a few assets. */
export const MAX_EXPORT_BYTES = 1024 * 1024 * 1024;

export interface ExportLeaf {
  commitment: string;
  balances: AmountMap;
}

export interface TreeExport {
  format: typeof EXPORT_FORMAT;
  exportVersion: typeof EXPORT_VERSION;
  /** The published root document of the snapshot, as the operator published it. */
  published: PublishedRoot;
  /** Every real leaf, in leaf order (position = leaf index); padding leaves are not listed. */
  leaves: ExportLeaf[];
}
