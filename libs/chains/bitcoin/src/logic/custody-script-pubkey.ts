import { createHash } from 'node:crypto';

/** P2WSH output script: `OP_0 <SHA-256(witnessScript)>`. */
export function custodyScriptPubKey(witnessScript: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x20]), createHash('sha256').update(witnessScript).digest()]);
}
