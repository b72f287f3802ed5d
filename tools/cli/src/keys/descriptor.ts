// Output script descriptors (BIP-380/381/383) for the record an operator keeps of a wallet.

const INPUT_CHARSET = '0123456789()[],\'/*abcdefgh@:$%{}IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~ijklmnopqrstuvwxyzABCDEFGH`#"\\ ';
const CHECKSUM_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0xf5dee51989n, 0xa9fdca3312n, 0x1bab10e32dn, 0x3706b1677an, 0x644d626ffdn];

function polymod(c: bigint, value: bigint): bigint {
  const top = c >> 35n;
  c = ((c & 0x7ffffffffn) << 5n) ^ value;
  for (let i = 0; i < 5; i++) if ((top >> BigInt(i)) & 1n) c ^= GENERATOR[i];
  return c;
}

/** The 8-character BIP-380 checksum of a descriptor (what Bitcoin Core appends after `#`). */
export function descriptorChecksum(descriptor: string): string {
  let c = 1n;
  let cls = 0n;
  let count = 0;
  for (const ch of descriptor) {
    const pos = INPUT_CHARSET.indexOf(ch);
    if (pos < 0) throw new Error(`character ${JSON.stringify(ch)} is not allowed in a descriptor`);
    c = polymod(c, BigInt(pos & 31));
    cls = cls * 3n + BigInt(pos >> 5);
    if (++count === 3) {
      c = polymod(c, cls);
      cls = 0n;
      count = 0;
    }
  }
  if (count > 0) c = polymod(c, cls);
  for (let i = 0; i < 8; i++) c = polymod(c, 0n);
  c ^= 1n;
  let out = '';
  for (let i = 0; i < 8; i++) out += CHECKSUM_CHARSET[Number((c >> (5n * BigInt(7 - i))) & 31n)];
  return out;
}

/** `wsh(sortedmulti(m,K1,…,Kn))#checksum` over compressed public keys (hex). */
export function multisigDescriptor(threshold: number, publicKeys: string[]): string {
  const body = `wsh(sortedmulti(${threshold},${publicKeys.join(',')}))`;
  return `${body}#${descriptorChecksum(body)}`;
}
