import type { CustodyWallet, DigestRequest, DigestSignature, UnsignedChainTx } from '@strongroom/chains-core';
import { getBytes, toBeHex, Transaction } from 'ethers';
import { EthereumAdapter, type RelayOptions } from '../ethereum-adapter';
import { nextRelayerNonce } from '../logic/next-relayer-nonce';
import type { EthereumToken } from '../types';

/** What the bootstrap needs from a dev chain; the anvil harness of @strongroom/testing fits. */
export interface DevChain {
  rpcUrl: string;
  chainId: bigint;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Adds wei to an address without a transaction. */
  fund(address: string, wei: bigint): Promise<void>;
  waitMined(hash: string): Promise<{ status: number }>;
}

/** What the fixture needs from a signer: KmsSigner from @strongroom/keys fits structurally. */
export interface DigestSigner {
  publicKey(keyId: string): Promise<{ compressedHex: string; ethereumAddress: string }>;
  signDigest(keyId: string, digest: Uint8Array): Promise<{ r: bigint; s: bigint; recovery: 0 | 1 }>;
}

export interface EthereumCustody {
  adapter: EthereumAdapter;
  wallet: CustodyWallet;
  safe: string;
  relayer: { keyId: string; publicKey: string; address: string };
  owners: { keyId: string; publicKey: string; address: string }[];
  /** Signs each request with the key behind its public key (every request, or only `only`). */
  sign(digests: DigestRequest[], only?: string[]): Promise<DigestSignature[]>;
  /** Relayer nonce + fee caps, the nonce taken from a local counter standing in for the database reservation. */
  relayOptions(fees?: { maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint }): Promise<RelayOptions>;
  /** Relayer-signs a round-2 transaction, broadcasts it, mines (when automining) and returns the txid. */
  submit(relay: UnsignedChainTx): Promise<string>;
}

/** A DigestSignature from a signer's low-S signature (r, s as 32-byte hex). */
export function toDigestSignature(
  publicKey: string,
  digest: string,
  sig: { r: bigint; s: bigint; recovery: 0 | 1 },
): DigestSignature {
  return { publicKey, digest, r: toBeHex(sig.r, 32), s: toBeHex(sig.s, 32), recovery: sig.recovery };
}

/**
 * Dev chains only (tests, benchmarks, the embedded default): a working Ethereum custody wallet —
 * Safe v1.4.1 contracts at their canonical addresses and our sweeper factory (code hashes
 * checked), a Safe whose owners are the `owners` keys (threshold m) deployed by the relayer key
 * through the adapter's own relayer round, the relayer funded with 100 ETH. The relayer nonce
 * counter here stands in for the database reservation libs/withdrawals keeps.
 */
export async function setupEthereumCustody(
  chain: DevChain,
  signer: DigestSigner,
  keys: { owners: string[]; relayer: string; threshold: number },
  tokens: EthereumToken[] = [],
): Promise<EthereumCustody> {
  const adapter = new EthereumAdapter({ rpcUrl: chain.rpcUrl, network: 'anvil', chainId: chain.chainId, tokens });
  await adapter.ensureDeployment();
  const owners = await Promise.all(
    keys.owners.map(async (keyId) => {
      const pk = await signer.publicKey(keyId);
      return { keyId, publicKey: pk.compressedHex, address: pk.ethereumAddress };
    }),
  );
  const rpk = await signer.publicKey(keys.relayer);
  const relayer = { keyId: keys.relayer, publicKey: rpk.compressedHex, address: rpk.ethereumAddress };
  await chain.fund(relayer.address, 100n * 10n ** 18n);
  const keyOf = new Map([...owners, relayer].map((k) => [k.publicKey, k.keyId]));

  const wallet: CustodyWallet = {
    id: 'eth-wallet-1',
    chain: 'ethereum',
    threshold: keys.threshold,
    publicKeys: owners.map((o) => o.publicKey),
    relayerAddress: relayer.address,
  };
  // Stands in for the database reservation: the highest nonce actually handed to a signed
  // transaction. Options are only a proposal until submit, so a refused round leaves no hole.
  let highestReserved: number | null = null;

  const sign = async (digests: DigestRequest[], only?: string[]) =>
    Promise.all(
      digests
        .filter((d) => !only || only.includes(d.publicKey))
        .map(async (d) => {
          const keyId = keyOf.get(d.publicKey);
          if (!keyId) throw new Error(`no key for ${d.publicKey}`);
          return toDigestSignature(d.publicKey, d.digest, await signer.signDigest(keyId, getBytes(d.digest)));
        }),
    );
  const relayOptions = async (fees: { maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint } = {}) => {
    const state = await adapter.relayer.relayerChainState(relayer.address);
    const nonce = nextRelayerNonce(state.pendingNonce, highestReserved);
    return {
      relayerPublicKey: relayer.publicKey,
      nonce,
      maxFeePerGas: fees.maxFeePerGas ?? state.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? state.maxPriorityFeePerGas,
    };
  };
  const submit = async (relay: UnsignedChainTx) => {
    const signed = await adapter.finalize(relay, await sign(relay.digests));
    const nonce = Transaction.from(signed.raw).nonce;
    highestReserved = Math.max(highestReserved ?? -1, nonce);
    const { txid } = await adapter.broadcast(signed);
    // anvil mines right after answering: wait for the block so callers read a settled chain.
    if (await chain.rpc<boolean>('anvil_getAutomine')) await chain.waitMined(txid);
    return txid;
  };

  // Idempotent: on a chain restored from a state file the Safe is already there.
  const predicted = (await adapter.predictSafe(wallet, 1n)).address;
  if ((await chain.rpc<string>('eth_getCode', [predicted, 'latest'])) === '0x') {
    const deployment = await adapter.buildSafeDeployment(wallet, 1n, await relayOptions());
    const txid = await submit(deployment);
    if ((await chain.waitMined(txid)).status !== 1) throw new Error('Safe deployment failed');
  }
  const state = await adapter.safeState(predicted);
  if (
    state.threshold !== keys.threshold ||
    new Set(state.owners).size !== owners.length ||
    !owners.every((o) => state.owners.includes(o.address))
  ) {
    throw new Error(`the Safe at ${predicted} does not have the expected owners and threshold`);
  }
  wallet.safeAddress = predicted;
  adapter.registerWallet(wallet);
  return { adapter, wallet, safe: predicted, relayer, owners, sign, relayOptions, submit };
}
