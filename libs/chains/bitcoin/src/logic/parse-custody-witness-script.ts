import { script as bscript, opcodes } from 'bitcoinjs-lib';

export interface CustodyScriptParts {
  tag: Buffer;
  threshold: number;
  /** Compressed keys in script order. */
  keys: Buffer[];
}

/** Reads `<tag> OP_DROP m <K1..Kn> n OP_CHECKMULTISIG`; undefined for any other script. */
export function parseCustodyWitnessScript(witnessScript: Buffer): CustodyScriptParts | undefined {
  const chunks = bscript.decompile(witnessScript);
  if (!chunks || chunks.length < 6) return undefined;
  const [tag, drop, m] = chunks;
  const n = chunks[chunks.length - 2];
  const last = chunks[chunks.length - 1];
  if (!Buffer.isBuffer(tag) || drop !== opcodes.OP_DROP || last !== opcodes.OP_CHECKMULTISIG) return undefined;
  if (typeof m !== 'number' || typeof n !== 'number' || m < 0x51 || m > 0x60 || n < 0x51 || n > 0x60) return undefined;
  const keys = chunks.slice(3, -2);
  if (keys.length !== n - 0x50 || m - 0x50 > keys.length) return undefined;
  if (!keys.every((k): k is Buffer => Buffer.isBuffer(k) && k.length === 33)) return undefined;
  return { tag: Buffer.from(tag), threshold: m - 0x50, keys: keys.map((k) => Buffer.from(k)) };
}
