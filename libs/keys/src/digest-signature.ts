/** A digest's signature as chain adapters take it: r and s as 32-byte hex, with the recovery bit. */
export interface HexDigestSignature {
  publicKey: string;
  digest: string;
  r: string;
  s: string;
  recovery: number;
}

export function hexDigestSignature(
  publicKey: string,
  digest: string,
  sig: { r: bigint; s: bigint; recovery: number },
): HexDigestSignature {
  return { publicKey, digest, r: hex64(sig.r), s: hex64(sig.s), recovery: sig.recovery };
}

const hex64 = (n: bigint) => n.toString(16).padStart(64, '0');
