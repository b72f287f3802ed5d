/**
 * Proof of liabilities, format versions 1 and 2: the constants and JSON shapes. The exact byte
 * layouts are specified in docs/proof-of-liabilities.md; this file and encoding.ts are that spec
 * in code.
 */

export const FORMAT = 'strongroom-proof-of-liabilities';
/** The version the prover writes by default. */
export const VERSION = 2;
export type FormatVersion = 1 | 2;
export const VERSIONS: readonly FormatVersion[] = [1, 2];

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
/** The ASCII label that starts the nonce message of each version (no length prefix). */
export const NONCE_LABEL: Record<FormatVersion, string> = {
  1: 'strongroom-pol-v1-nonce',
  2: 'strongroom-pol-v2-nonce',
};

/** Per-asset amounts as canonical decimal strings, keyed by asset code. */
export type AmountMap = Record<string, string>;

export interface ProofStep {
  /** The sibling's node hash (hex). */
  hash: string;
  /** The sibling's per-asset sums. */
  sums: AmountMap;
}

interface InclusionFields {
  format: typeof FORMAT;
  snapshotId: string;
  /** The published asset order; every amount is encoded in this order. */
  assets: string[];
  /** The root (hex) and per-asset totals the proof claims to lead to. */
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

/** One user's inclusion proof, format 1 (JSON). */
export interface InclusionProofV1 extends InclusionFields {
  version: 1;
}

/** One user's inclusion proof, format 2: the snapshot time is bound too, and the document says what it is. */
export interface InclusionProofV2 extends InclusionFields {
  version: 2;
  kind: 'inclusion';
  /** When the snapshot was taken: `YYYY-MM-DDTHH:MM:SS.sssZ` (UTC). */
  snapshotTime: string;
}

export type InclusionProof = InclusionProofV1 | InclusionProofV2;

/** What an operator published for a snapshot in format 1. */
export interface PublishedRootV1 {
  format: typeof FORMAT;
  version: 1;
  snapshotId: string;
  assets: string[];
  depth: number;
  root: string;
  totals: AmountMap;
}

/**
 * A statement about a published root made outside it (a signature, a chain anchor). The root does
 * not commit to them; each type is defined and checked by the verifier version that knows it.
 */
export interface Attestation {
  type: string;
  [field: string]: unknown;
}

/**
 * What an operator publishes for a snapshot in format 2. `root` commits to every other field but
 * `attestations`, and `topHash` is published, so anyone can recompute the root from this document.
 */
export interface PublishedRootV2 {
  format: typeof FORMAT;
  version: 2;
  kind: 'root';
  snapshotId: string;
  snapshotTime: string;
  assets: string[];
  depth: number;
  topHash: string;
  totals: AmountMap;
  root: string;
  attestations: Attestation[];
}

export type PublishedRoot = PublishedRootV1 | PublishedRootV2;
