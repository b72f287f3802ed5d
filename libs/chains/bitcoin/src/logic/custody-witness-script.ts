import { script as bscript, opcodes } from 'bitcoinjs-lib';

/**
 * `<tag> OP_DROP m <K1> … <Kn> n OP_CHECKMULTISIG` with the keys sorted bytewise (BIP-67), so the
 * script depends only on the key set, the threshold and the tag. The tag is pushed and dropped:
 * it changes the script hash (hence the address) and nothing about who can spend.
 */
export function custodyWitnessScript(tag: Buffer, threshold: number, publicKeys: string[]): Buffer {
  const keys = sortedKeys(publicKeys);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > keys.length)
    throw new RangeError(`bad threshold ${threshold} of ${keys.length}`);
  if (keys.length > 16) throw new RangeError('at most 16 keys');
  if (tag.length < 1 || tag.length > 32) throw new RangeError('tag must be 1..32 bytes');
  // OP_1..OP_16 are 0x51..0x60.
  return Buffer.from(
    bscript.compile([tag, opcodes.OP_DROP, 0x50 + threshold, ...keys, 0x50 + keys.length, opcodes.OP_CHECKMULTISIG]),
  );
}

export function sortedKeys(publicKeys: string[]): Buffer[] {
  const keys = publicKeys.map((k) => Buffer.from(k, 'hex'));
  for (const k of keys) {
    if (k.length !== 33 || (k[0] !== 2 && k[0] !== 3))
      throw new RangeError(`not a compressed secp256k1 key: ${k.toString('hex')}`);
  }
  if (new Set(keys.map((k) => k.toString('hex'))).size !== keys.length) throw new RangeError('duplicate key');
  return keys.sort(Buffer.compare);
}
