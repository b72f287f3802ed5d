import type { ChainAdapter, CustodyWallet, DigestSignature, UnsignedWithdrawal } from '@strongroom/chains-core';

/**
 * Optional adapter capability for chains where a relayer submits what the wallet keys signed
 * (Ethereum: owners sign the SafeTx hash, then the relayer signs its EIP-1559 transaction).
 * Structurally the EthereumAdapter's methods, so this library needs no import of it.
 */
export interface RelayCapable {
  prepareRelay(
    unsigned: UnsignedWithdrawal,
    ownerSignatures: DigestSignature[],
    opts: { relayerPublicKey: string; nonce: number; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint },
  ): Promise<UnsignedWithdrawal>;
  relayerChainState(
    relayer: string,
  ): Promise<{ pendingNonce: number; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }>;
}

/** Optional: the same relayer transaction (same nonce) with fees raised, to replace a stuck one. */
export interface RelayReplaceable {
  replaceRelay(
    unsigned: UnsignedWithdrawal,
    wanted?: { maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint },
    ceiling?: bigint,
  ): UnsignedWithdrawal;
}

/**
 * Optional: a relayer transaction that only consumes one nonce (Ethereum: 0 ETH to the relayer
 * itself), to fill a reserved nonce whose own transaction will never be sent, and its intent check.
 */
export interface NonceFillable {
  buildNonceFill(opts: {
    relayerPublicKey: string;
    nonce: number;
    maxFeePerGas: bigint;
    maxPriorityFeePerGas: bigint;
  }): Promise<UnsignedWithdrawal>;
  checkNonceFillIntent(unsigned: UnsignedWithdrawal, wallet: CustodyWallet, nonce: number): void;
}

export function isNonceFillable(a: ChainAdapter): a is ChainAdapter & RelayCapable & NonceFillable {
  const f = a as Partial<NonceFillable>;
  return isRelayCapable(a) && typeof f.buildNonceFill === 'function' && typeof f.checkNonceFillIntent === 'function';
}

export function isRelayReplaceable(a: ChainAdapter): a is ChainAdapter & RelayReplaceable {
  return typeof (a as Partial<RelayReplaceable>).replaceRelay === 'function';
}

export function isRelayCapable(a: ChainAdapter): a is ChainAdapter & RelayCapable {
  const r = a as Partial<RelayCapable>;
  return typeof r.prepareRelay === 'function' && typeof r.relayerChainState === 'function';
}

/**
 * Signs what an unsigned transaction asks for: requests are grouped by digest (one per input on
 * Bitcoin, one SafeTx hash on Ethereum), and each group gets signatures from its keys in order
 * until `threshold` of them (or all it lists) have signed. A key that fails is skipped, so one
 * disabled KMS key does not stop an m-of-n wallet.
 */
export async function signDigests(
  unsigned: UnsignedWithdrawal,
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
