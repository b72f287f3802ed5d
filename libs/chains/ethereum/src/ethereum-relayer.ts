import {
  ChainErrors,
  IntentMismatchError,
  type CustodyWallet,
  type DigestSignature,
  type NonceFillCapability,
  type RelayCapability,
  type RelayerChainState,
  type UnsignedChainTx,
} from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import { Transaction } from 'ethers';
import type { EthereumContext } from './ethereum-context';
import { buildRelayerTx } from './logic/build-relayer-tx';
import { bumpFees } from './logic/bump-fees';
import { checkNonceFillIntent } from './logic/check-nonce-fill-intent';
import { encodeExecTransaction } from './logic/encode-exec-transaction';
import { encodeSafeSignatures } from './logic/encode-safe-signatures';
import { ownerAddress } from './logic/owner-address';
import { parsePayload } from './logic/parse-payload';
import { safeTxHash } from './logic/safe-tx-hash';
import { serializePayload } from './logic/serialize-payload';
import type { EthereumPayload, RelayerTxParams } from './types';
import type { RelayOptions } from './relay-options';

type RelayPurpose = 'exec' | 'sweep' | 'deploy-safe' | 'cancel';

/**
 * The relayer: every Ethereum transaction we send is the relayer's EIP-1559 transaction, signed by
 * its KMS key and paying the gas. Builds relay rounds (withdrawal submissions, sweeps, Safe
 * deployments, nonce fills), replaces stuck ones at the same nonce, reads its nonce and fees.
 */
export class EthereumRelayer implements RelayCapability, NonceFillCapability {
  constructor(private readonly ctx: EthereumContext) {}

  /** Suggested EIP-1559 caps and the relayer's pending nonce on chain (input for nextRelayerNonce). */
  async relayerChainState(relayer: string): Promise<RelayerChainState> {
    const [pendingNonce, fees] = await Promise.all([this.ctx.rpc.pendingNonce(relayer), this.ctx.rpc.suggestFees()]);
    return { pendingNonce, ...fees };
  }

  /**
   * Round 2 of a withdrawal: takes the owners' signatures (≥ threshold, each recovering to an
   * owner; sorted here), refuses a short or non-owner set, and returns the relayer's unsigned
   * EIP-1559 transaction with the nonce and fee caps the caller reserved. Its single digest is for
   * the relayer key.
   */
  async prepareRelay(
    unsigned: UnsignedChainTx,
    ownerSignatures: DigestSignature[],
    opts: RelayOptions,
  ): Promise<UnsignedChainTx> {
    const p = parsePayload(unsigned.payload);
    if (p.kind !== 'safe-tx')
      throw domainError(ChainErrors['withdrawal.payload_invalid'], 'prepareRelay takes the round-1 (safe-tx) payload');
    const hash = safeTxHash(this.ctx.chainId, p.safe, p.safeTx);
    if (hash !== p.safeTxHash) throw new IntentMismatchError('payload SafeTx hash does not match its fields', {});
    const signatures = encodeSafeSignatures(hash, ownerSignatures, p.owners, p.threshold);
    const data = encodeExecTransaction(p.safeTx, signatures);
    return this.relayRound('exec', unsigned.batchId, p.safe, data, opts, {
      safe: p.safe,
      safeNonce: p.safeTx.nonce,
      owners: p.owners,
      threshold: p.threshold,
    });
  }

  /**
   * The same relayer transaction with the same nonce and fees raised by at least 10% (both
   * caps), to replace a stuck submission. Needs a new relayer signature.
   */
  replaceRelay(
    unsigned: UnsignedChainTx,
    wanted: { maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint } = {},
    ceiling?: bigint,
  ): UnsignedChainTx {
    const p = parsePayload(unsigned.payload);
    if (p.kind !== 'relay')
      throw domainError(ChainErrors['withdrawal.payload_invalid'], 'only a relayer transaction can be replaced');
    const tx = Transaction.from(p.unsignedTx);
    if (tx.maxFeePerGas === null || tx.maxPriorityFeePerGas === null || tx.to === null)
      throw domainError(ChainErrors['withdrawal.payload_invalid'], 'not an EIP-1559 call');
    const fees = bumpFees(
      { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas },
      wanted,
      ceiling,
    );
    const { unsignedTx, digest } = buildRelayerTx(this.ctx.chainId, tx.to, tx.data, {
      nonce: tx.nonce,
      gasLimit: tx.gasLimit,
      ...fees,
    });
    return this.relayUnsigned(unsigned.batchId, { ...p, unsignedTx }, digest, tx.gasLimit * fees.maxFeePerGas);
  }

  /**
   * A relayer round that only consumes `opts.nonce` (0 ETH to itself, 21,000 gas): fills a nonce
   * that was reserved but whose transaction will never be sent, so later ones are not stuck
   * behind a hole. Submitted with higher fees it also cancels a stuck transaction.
   */
  async buildNonceFill(opts: RelayOptions): Promise<UnsignedChainTx> {
    const self = ownerAddress(opts.relayerPublicKey);
    return this.relayRound(
      'cancel',
      `nonce-${opts.nonce}`,
      self,
      '0x',
      { ...opts, gasLimit: opts.gasLimit ?? 21_000n },
      {},
    );
  }

  /** The nonce fill's intent check (see checkNonceFillIntent), before its relayer digest goes to KMS. */
  checkNonceFillIntent(unsigned: UnsignedChainTx, wallet: CustodyWallet, nonce: number): void {
    checkNonceFillIntent(unsigned, wallet.relayerAddress, nonce, this.ctx.chainId);
  }

  /** The relayer's transaction calling `to` with `data`, as an unsigned relay payload with one relayer digest. */
  async relayRound(
    purpose: RelayPurpose,
    batchId: string,
    to: string,
    data: string,
    opts: RelayOptions,
    extra: { safe?: string; safeNonce?: bigint; owners?: string[]; threshold?: number },
  ): Promise<UnsignedChainTx> {
    const relayer = ownerAddress(opts.relayerPublicKey);
    // Estimated from the relayer with the real calldata (signatures included), plus 25% headroom.
    const gasLimit = opts.gasLimit ?? ((await this.ctx.rpc.estimateGas(relayer, to, data)) * 125n) / 100n;
    const params: RelayerTxParams = {
      nonce: opts.nonce,
      maxFeePerGas: opts.maxFeePerGas,
      maxPriorityFeePerGas: opts.maxPriorityFeePerGas,
      gasLimit,
    };
    const { unsignedTx, digest } = buildRelayerTx(this.ctx.chainId, to, data, params);
    const payload: EthereumPayload = {
      kind: 'relay',
      purpose,
      chainId: this.ctx.chainId,
      relayer,
      relayerPublicKey: opts.relayerPublicKey,
      unsignedTx,
      ...extra,
    };
    return this.relayUnsigned(batchId, payload, digest, gasLimit * opts.maxFeePerGas);
  }

  private relayUnsigned(batchId: string, payload: EthereumPayload, digest: string, maxFee: bigint): UnsignedChainTx {
    if (payload.kind !== 'relay') throw new Error('relay payload expected');
    return {
      chain: 'ethereum',
      batchId,
      payload: serializePayload(payload),
      digests: [{ publicKey: payload.relayerPublicKey, digest, purpose: `relayer ${payload.purpose} transaction` }],
      // The most the relayer can pay (gas limit × fee cap); the booked fee comes from the receipt.
      fee: maxFee,
    };
  }
}
