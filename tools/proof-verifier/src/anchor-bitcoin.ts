import { parseAnchorPayload, snapshotIdHash } from './anchor-payload';
import { bytesToHex, hexToBytes } from './encoding';
import { sha256 } from './hash';

/**
 * Bitcoin anchors (docs/proof-publication.md § anchors): the same 68-byte payload in an
 * OP_RETURN output (`OP_RETURN <push of 68 bytes>`: 0x6a 0x44 ‖ payload). Read from the raw
 * transaction as a node gives it (`getrawtransaction <txid>`), segwit or not; whether and where
 * it is confirmed is the node's answer, not this function's.
 */
export interface BitcoinAnchor {
  txid: string;
  snapshotHash: string;
  root: string;
}

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  take(n: number): Uint8Array {
    if (this.pos + n > this.b.length) throw new RangeError('truncated transaction');
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  varint(): number {
    const first = this.take(1)[0];
    const width = first === 0xfd ? 2 : first === 0xfe ? 4 : first === 0xff ? 8 : 0;
    if (width === 0) return first;
    const bytes = this.take(width);
    let n = 0;
    for (let i = width - 1; i >= 0; i--) n = n * 256 + bytes[i];
    if (!Number.isSafeInteger(n)) throw new RangeError('varint out of range');
    return n;
  }
}

/** The transaction's outputs' scripts and its txid (double SHA-256 of the serialisation without witnesses). */
function decode(raw: Uint8Array): { txid: string; scripts: Uint8Array[] } {
  const r = new Reader(raw);
  const version = r.take(4);
  const segwit = raw[4] === 0x00 && raw[5] === 0x01;
  if (segwit) r.take(2);
  const inputsStart = r.pos;
  const inputs = r.varint();
  for (let i = 0; i < inputs; i++) {
    r.take(36);
    r.take(r.varint());
    r.take(4);
  }
  const outputs = r.varint();
  const scripts: Uint8Array[] = [];
  for (let i = 0; i < outputs; i++) {
    r.take(8);
    scripts.push(r.take(r.varint()));
  }
  const outputsEnd = r.pos;
  if (segwit)
    for (let i = 0; i < inputs; i++) {
      const items = r.varint();
      for (let j = 0; j < items; j++) r.take(r.varint());
    }
  const locktime = r.take(4);
  if (r.pos !== raw.length) throw new RangeError('trailing bytes after the transaction');
  const stripped = new Uint8Array([...version, ...raw.subarray(inputsStart, outputsEnd), ...locktime]);
  return { txid: bytesToHex(sha256(sha256(stripped)).reverse()), scripts };
}

/** Every anchor payload among a raw transaction's OP_RETURN outputs. Throws RangeError on malformed bytes. */
export function bitcoinAnchors(rawHex: string): BitcoinAnchor[] {
  const { txid, scripts } = decode(hexToBytes(rawHex));
  const found: BitcoinAnchor[] = [];
  for (const s of scripts) {
    if (s.length !== 70 || s[0] !== 0x6a || s[1] !== 0x44) continue;
    const payload = parseAnchorPayload(bytesToHex(s.subarray(2)));
    if (payload) found.push({ txid, ...payload });
  }
  return found;
}

/** True when the raw transaction carries the anchor of `root` for `snapshotId`. */
export function bitcoinAnchorsRoot(rawHex: string, expected: { snapshotId: string; root: string }): boolean {
  const hash = snapshotIdHash(expected.snapshotId);
  return bitcoinAnchors(rawHex).some((a) => a.snapshotHash === hash && a.root === expected.root.toLowerCase());
}
