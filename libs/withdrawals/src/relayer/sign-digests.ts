import type { ChainAdapter, DigestSignature, SignedChainTx, UnsignedChainTx } from '@strongroom/chains-core';
import type { DigestSigner } from '../ports';

/**
 * Signs what an unsigned transaction asks for: requests are grouped by digest (one per input on
 * Bitcoin, one SafeTx hash on Ethereum), and each group gets signatures from its keys in order
 * until `threshold` of them (or all it lists) have signed. A key that fails is skipped, so one
 * disabled KMS key does not stop an m-of-n wallet.
 */
export async function signDigests(
  unsigned: UnsignedChainTx,
  threshold: number,
  sign: (publicKey: string, digest: string) => Promise<DigestSignature>,
): Promise<DigestSignature[]> {
  const groups = new Map<string, string[]>();
  for (const d of unsigned.digests) groups.set(d.digest, [...(groups.get(d.digest) ?? []), d.publicKey]);
  const out: DigestSignature[] = [];
  for (const [digest, keys] of groups) {
    const need = Math.min(threshold, keys.length);
    let got = 0;
    let lastError: unknown = null;
    for (const publicKey of keys) {
      if (got >= need) break;
      try {
        out.push(await sign(publicKey, digest));
        got += 1;
      } catch (err) {
        lastError = err;
      }
    }
    if (got < need) throw lastError ?? new Error(`only ${got} of ${need} signatures for digest ${digest}`);
  }
  return out;
}

/**
 * Signs a checked transaction with the wallet's keys (`threshold` per digest) and finalises it.
 * Callers run their intent check on `unsigned` first: nothing here looks at what it pays.
 */
export async function signAndFinalize(
  adapter: Pick<ChainAdapter, 'finalize'>,
  signer: DigestSigner,
  walletId: string,
  unsigned: UnsignedChainTx,
  threshold = 1,
): Promise<SignedChainTx> {
  const signatures = await signDigests(unsigned, threshold, (publicKey, digest) =>
    signer.sign(walletId, publicKey, digest),
  );
  return adapter.finalize(unsigned, signatures);
}
