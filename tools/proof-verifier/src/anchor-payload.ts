import { bytesToHex, hexToBytes } from './encoding';
import { sha256 } from './hash';

/**
 * On-chain anchors of published roots (docs/proof-publication.md § anchors). The custody's
 * Ethereum relayer sends a 0-ETH transaction to itself whose calldata is the anchor payload:
 * `"SRP2"` (4 ASCII bytes) ‖ SHA-256(UTF-8 snapshot id) (32) ‖ root (32), 68 bytes. The chain
 * gives it a time and a public order; two roots anchored for one snapshot id are visible to
 * anyone who reads the relayer's transactions.
 */
export const ANCHOR_MAGIC = 'SRP2';
export const ANCHOR_BYTES = 68;
/** The attestation type an anchor is published under in the root document. */
export const ETHEREUM_ANCHOR = 'ethereum-anchor';

const MAGIC = new TextEncoder().encode(ANCHOR_MAGIC);

export const snapshotIdHash = (snapshotId: string): string => bytesToHex(sha256(new TextEncoder().encode(snapshotId)));

/** The anchor calldata for a snapshot's root, as `0x`-prefixed hex. */
export function anchorPayload(snapshotId: string, root: string): string {
  if (!/^[0-9a-f]{64}$/.test(root)) throw new RangeError('root must be 64 lower-case hex characters');
  return `0x${bytesToHex(MAGIC)}${snapshotIdHash(snapshotId)}${root}`;
}

/** What an anchor payload says, or null when the calldata is not one. */
export function parseAnchorPayload(data: string): { snapshotHash: string; root: string } | null {
  const hex = data.startsWith('0x') ? data.slice(2).toLowerCase() : data.toLowerCase();
  if (hex.length !== ANCHOR_BYTES * 2 || !/^[0-9a-f]*$/.test(hex)) return null;
  if (hex.slice(0, 8) !== bytesToHex(MAGIC)) return null;
  return { snapshotHash: hex.slice(8, 72), root: hex.slice(72) };
}

/** The anchor payload as bytes (for callers building raw transactions). */
export const anchorBytes = (snapshotId: string, root: string): Uint8Array =>
  hexToBytes(anchorPayload(snapshotId, root).slice(2));
