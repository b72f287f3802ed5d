/**
 * Proof of liabilities, format version 1: the constants and JSON shapes. The exact byte layouts
 * are specified in docs/proof-of-liabilities.md; this file and encoding.ts are that spec in code.
 */

export const FORMAT = 'strongroom-proof-of-liabilities';
export const VERSION = 1;

/** Domain-separation tags: the first byte of every hashed message, so no message of one kind can be read as another. */
export const TAG = {
  leaf: 0x00,
  node: 0x01,
  padding: 0x02,
  root: 0x03,
  context: 0x04,
  commitment: 0x05,
} as const;

/** Bytes of one amount: an unsigned 256-bit big-endian integer (negative values cannot be encoded). */
export const AMOUNT_BYTES = 32;
export const HASH_BYTES = 32;
export const NONCE_BYTES = 32;
/** Deepest tree a proof may describe (2^32 leaves). */
export const MAX_DEPTH = 32;
export const MAX_ASSETS = 64;
export const MAX_ID_BYTES = 255;
/** Asset codes: upper-case letters and digits, as in Strongroom's asset registry. */
export const ASSET_CODE = /^[A-Z][A-Z0-9]{1,15}$/;

/** Per-asset amounts as canonical decimal strings, keyed by asset code. */
export type AmountMap = Record<string, string>;

export interface ProofStep {
  /** The sibling's node hash (hex). */
  hash: string;
  /** The sibling's per-asset sums. */
  sums: AmountMap;
}

/** One user's inclusion proof (JSON). */
export interface InclusionProof {
  format: typeof FORMAT;
  version: typeof VERSION;
  snapshotId: string;
  /** The published asset order; every amount is encoded in this order. */
  assets: string[];
  /** The published root (hex) and per-asset totals. */
  root: string;
  totals: AmountMap;
  userId: string;
  /** The user's per-snapshot nonce (hex), the salt of the commitment to the user id. */
  nonce: string;
  balances: AmountMap;
  /** Position of the leaf; bit i (from the least significant) says whether the node at level i is a right child. */
  leafIndex: number;
  /** Siblings from the leaf level up to just below the root; its length is the tree depth. */
  path: ProofStep[];
}

/** What an operator publishes for a snapshot. */
export interface PublishedRoot {
  format: typeof FORMAT;
  version: typeof VERSION;
  snapshotId: string;
  assets: string[];
  depth: number;
  root: string;
  totals: AmountMap;
}
