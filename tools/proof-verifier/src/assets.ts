import { secp256k1 } from '@noble/curves/secp256k1';
import { bytesToHex, hexToBytes } from './encoding';
import { sha256 } from './hash';
import { Refusal } from './refusals';
import { parseStrictJson, toPlain } from './strict-json';

/**
 * Proof of assets v1: each custody wallet's keys sign an auditor's challenge. The digest binds the
 * challenge, the wallet, its chain and the snapshot, so a signature cannot be replayed for another
 * audit or wallet. Stand-alone like the liabilities verifier: only @noble libraries.
 */
export const ASSETS_FORMAT = 'strongroom-proof-of-assets';
export const ASSETS_VERSION = 1;

export interface AssetsProofWallet {
  walletId: string;
  chain: string;
  threshold: number;
  /** Compressed secp256k1 public keys (hex) recorded at the key ceremony. */
  publicKeys: string[];
  /** SHA-256 digest each key signed (hex); the verifier recomputes it. */
  digest: string;
  signatures: { publicKey: string; r: string; s: string }[];
  /** What the wallet's addresses held at the snapshot height, per asset, in base units. */
  holdings: { address: string; asset: string; amount: string }[];
}

export interface AssetsProof {
  format: typeof ASSETS_FORMAT;
  version: typeof ASSETS_VERSION;
  challenge: string;
  snapshotId: string | null;
  chainTips: { chain: string; height: number; hash: string }[];
  createdAt: string;
  wallets: AssetsProofWallet[];
}

/** The message a wallet's keys sign: one line per field, the challenge hex-encoded (any text is safe). */
export function assetsChallengeDigest(
  challenge: string,
  walletId: string,
  chain: string,
  snapshotId: string | null,
): Uint8Array {
  const text =
    `${ASSETS_FORMAT}-v${ASSETS_VERSION}\n` +
    `challenge=${bytesToHex(new TextEncoder().encode(challenge))}\n` +
    `wallet=${walletId}\nchain=${chain}\nsnapshot=${snapshotId ?? '-'}\n`;
  return sha256(new TextEncoder().encode(text));
}

export interface AssetsVerifyResult {
  valid: boolean;
  /** Why the proof fails, one line per problem (empty when valid). */
  problems: string[];
  wallets: {
    walletId: string;
    chain: string;
    validSignatures: number;
    threshold: number;
    holdings: Record<string, string>;
  }[];
  /** Σ holdings per asset over every wallet whose signatures verified. */
  totals: Record<string, string>;
}

/**
 * Verifies a proof of assets: every wallet's digest is recomputed from the challenge, each
 * signature checked (low-S, against its key), and at least `threshold` distinct keys must have
 * signed. With `published`, the wallet's keys and threshold must equal the published ones (the
 * keys printed at the ceremony), so the operator cannot swap in keys it controls differently.
 * Text and bytes are read with the strict JSON rules of the liabilities format.
 */
export function verifyAssetsProof(
  input: unknown,
  options: { challenge?: string; published?: { walletId: string; threshold: number; publicKeys: string[] }[] } = {},
): AssetsVerifyResult {
  const problems: string[] = [];
  let doc: AssetsProof;
  try {
    doc = (
      typeof input === 'string' || input instanceof Uint8Array ? toPlain(parseStrictJson(input)) : input
    ) as AssetsProof;
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    return { valid: false, problems: [`${err.code}: ${err.message}`], wallets: [], totals: {} };
  }
  if (doc?.format !== ASSETS_FORMAT || doc.version !== ASSETS_VERSION || !Array.isArray(doc.wallets)) {
    return { valid: false, problems: ['not a strongroom proof of assets v1 document'], wallets: [], totals: {} };
  }
  if (options.challenge !== undefined && doc.challenge !== options.challenge)
    problems.push('the proof answers a different challenge');
  const totals = new Map<string, bigint>();
  const wallets: AssetsVerifyResult['wallets'] = [];
  for (const w of doc.wallets) {
    const expected = bytesToHex(assetsChallengeDigest(doc.challenge, w.walletId, w.chain, doc.snapshotId));
    if (w.digest !== expected) problems.push(`wallet ${w.walletId}: digest does not match the challenge`);
    const published = options.published?.find((p) => p.walletId === w.walletId);
    if (options.published && !published) problems.push(`wallet ${w.walletId}: not among the published wallets`);
    if (
      published &&
      (published.threshold !== w.threshold ||
        [...published.publicKeys].sort().join() !== [...w.publicKeys].sort().join())
    ) {
      problems.push(`wallet ${w.walletId}: keys or threshold differ from the published ones`);
    }
    const signed = new Set<string>();
    for (const sig of w.signatures) {
      if (!w.publicKeys.includes(sig.publicKey)) {
        problems.push(`wallet ${w.walletId}: signature by ${sig.publicKey.slice(0, 16)}… which is not a wallet key`);
        continue;
      }
      let ok = false;
      try {
        const signature = new secp256k1.Signature(BigInt(`0x${sig.r}`), BigInt(`0x${sig.s}`));
        ok = secp256k1.verify(signature.toCompactRawBytes(), hexToBytes(expected), hexToBytes(sig.publicKey), {
          prehash: false,
          lowS: true,
        });
      } catch {
        ok = false;
      }
      if (ok) signed.add(sig.publicKey);
      else problems.push(`wallet ${w.walletId}: signature by ${sig.publicKey.slice(0, 16)}… does not verify`);
    }
    if (signed.size < w.threshold)
      problems.push(`wallet ${w.walletId}: ${signed.size} valid signature(s), ${w.threshold} needed`);
    const holdings = new Map<string, bigint>();
    for (const h of w.holdings) {
      if (typeof h.amount !== 'string' || !/^(0|[1-9][0-9]{0,77})$/.test(h.amount)) {
        problems.push(`wallet ${w.walletId}: ${JSON.stringify(h.amount)} is not an amount in base units`);
        continue;
      }
      holdings.set(h.asset, (holdings.get(h.asset) ?? 0n) + BigInt(h.amount));
    }
    if (signed.size >= w.threshold) for (const [a, v] of holdings) totals.set(a, (totals.get(a) ?? 0n) + v);
    wallets.push({
      walletId: w.walletId,
      chain: w.chain,
      validSignatures: signed.size,
      threshold: w.threshold,
      holdings: Object.fromEntries([...holdings].map(([a, v]) => [a, v.toString()])),
    });
  }
  return {
    valid: problems.length === 0,
    problems,
    wallets,
    totals: Object.fromEntries([...totals].map(([a, v]) => [a, v.toString()])),
  };
}
