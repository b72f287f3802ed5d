import {
  ChainErrors,
  IntentMismatchError,
  checkOutputsMatch,
  type AddressCheck,
  type DigestSignature,
  type IntendedOutput,
  type SignedChainTx,
  type UnsignedChainTx,
  type WithdrawalBatch,
} from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import { getAddress, Transaction } from 'ethers';
import { EXEC_TRANSACTION_SELECTOR as EXEC_SELECTOR } from './constants';
import type { EthereumContext } from './ethereum-context';
import { NO_TOKEN } from './no-token';
import { buildSafeTx } from './logic/build-safe-tx';
import { checkSafeSignatures } from './logic/check-safe-signatures';
import { decodeSafeTxOutputs } from './logic/decode-safe-tx-outputs';
import { ownerAddress } from './logic/owner-address';
import { parsePayload } from './logic/parse-payload';
import { safeTxHash } from './logic/safe-tx-hash';
import { serializePayload } from './logic/serialize-payload';
import { signRelayerTx } from './logic/sign-relayer-tx';
import type { EthereumPayload } from './types';

type SafeTxPayload = Extract<EthereumPayload, { kind: 'safe-tx' }>;
type RelayPayload = Extract<EthereumPayload, { kind: 'relay' }>;

/**
 * Withdrawals out of a Safe: round 1 is the Safe transaction the owners sign, round 2 the
 * relayer's transaction carrying their signatures (EthereumRelayer.prepareRelay), then finalize
 * and broadcast. Intent is checked on whichever round is about to be signed.
 */
export class EthereumWithdrawals {
  constructor(
    private readonly ctx: EthereumContext,
    private readonly validateAddress: (address: string) => AddressCheck,
  ) {}

  /**
   * Round 1: the Safe transaction paying the batch, and one digest request per owner key (all
   * the same SafeTx hash; any `threshold` of them suffice). The Safe nonce is `batch.fee.safeNonce`
   * or read from chain: withdrawals of one Safe must be built one after the other. `fee` is 0
   * here: the relayer's fee is only known in round 2.
   */
  async build(batch: WithdrawalBatch): Promise<UnsignedChainTx> {
    const { ctx } = this;
    const safe = ctx.safeOf(batch.wallet);
    for (const o of batch.outputs) this.assertPayable(o);
    const nonce = batch.fee?.safeNonce !== undefined ? BigInt(batch.fee.safeNonce) : (await ctx.safeState(safe)).nonce;
    const safeTx = buildSafeTx(batch.outputs, ctx.tokenOf, nonce, ctx.nativeAsset);
    const hash = safeTxHash(ctx.chainId, safe, safeTx);
    const payload: EthereumPayload = {
      kind: 'safe-tx',
      chainId: ctx.chainId,
      safe,
      safeTx,
      safeTxHash: hash,
      owners: ctx.owners(batch.wallet),
      threshold: batch.wallet.threshold,
    };
    return {
      chain: 'ethereum',
      batchId: batch.id,
      payload: serializePayload(payload),
      digests: batch.wallet.publicKeys.map((publicKey) => ({
        publicKey,
        digest: hash,
        purpose: `SafeTx hash (nonce ${nonce}, any ${batch.wallet.threshold} of ${batch.wallet.publicKeys.length} owners)`,
      })),
      fee: 0n,
    };
  }

  private assertPayable(o: IntendedOutput): void {
    if (!this.ctx.servesAsset(o.asset))
      throw domainError(NO_TOKEN, `withdrawal ${o.ref}: asset ${o.asset} has no token on ${this.ctx.network}`, {
        ref: o.ref,
        asset: o.asset,
      });
    const check = this.validateAddress(o.address);
    if (!check.ok)
      throw domainError(ChainErrors[check.code], `withdrawal ${o.ref}: ${check.reason}`, {
        ref: o.ref,
        address: o.address,
      });
  }

  /**
   * The intent check, before any digest goes to KMS. Decodes the payload itself — for round 1 the
   * Safe transaction, for round 2 the relayer's unsigned transaction and the execTransaction
   * inside it — recomputes the SafeTx hash and requires every requested digest to be that hash
   * (round 1) or the relayer transaction hash (round 2), then compares the decoded outputs with
   * the approved ones.
   */
  checkIntent(unsigned: UnsignedChainTx, batch: WithdrawalBatch): void {
    const p = parsePayload(unsigned.payload);
    if (p.chainId !== this.ctx.chainId) throw new IntentMismatchError(`payload is for chain ${p.chainId}`, {});
    if (p.kind === 'safe-tx') this.checkSafeTxIntent(p, unsigned, batch);
    else this.checkRelayIntent(p, unsigned, batch);
  }

  private checkSafeTxIntent(p: SafeTxPayload, unsigned: UnsignedChainTx, batch: WithdrawalBatch): void {
    const { ctx } = this;
    const safe = ctx.safeOf(batch.wallet);
    if (getAddress(p.safe) !== safe)
      throw new IntentMismatchError(`payload spends from ${p.safe}, not the wallet's Safe ${safe}`, {});
    const walletOwners = ctx.owners(batch.wallet);
    if (
      p.threshold !== batch.wallet.threshold ||
      p.owners.length !== walletOwners.length ||
      !p.owners.every((o, i) => getAddress(o) === walletOwners[i])
    ) {
      throw new IntentMismatchError('the payload names other owners or another threshold than the wallet', {});
    }
    const hash = safeTxHash(ctx.chainId, safe, p.safeTx);
    const owners = new Set(batch.wallet.publicKeys);
    for (const d of unsigned.digests) {
      if (d.digest.toLowerCase() !== hash.toLowerCase())
        throw new IntentMismatchError('a requested digest is not the SafeTx hash of the payload', {
          digest: d.digest,
        });
      if (!owners.has(d.publicKey))
        throw new IntentMismatchError('a digest is requested from a key that is not an owner of this wallet', {
          publicKey: d.publicKey,
        });
    }
    checkOutputsMatch(decodeSafeTxOutputs(p.safeTx, ctx.assetOf, ctx.nativeAsset), batch.outputs);
  }

  private checkRelayIntent(p: RelayPayload, unsigned: UnsignedChainTx, batch: WithdrawalBatch): void {
    const { ctx } = this;
    const safe = ctx.safeOf(batch.wallet);
    if (p.purpose !== 'exec') throw new IntentMismatchError(`a ${p.purpose} transaction is not a withdrawal`, {});
    const tx = Transaction.from(p.unsignedTx);
    if (tx.chainId !== ctx.chainId || tx.type !== 2)
      throw new IntentMismatchError('the relayer transaction is not an EIP-1559 transaction for this chain', {});
    if (!tx.to || getAddress(tx.to) !== safe || tx.value !== 0n)
      throw new IntentMismatchError('the relayer transaction does not call the wallet Safe without value', {
        to: tx.to,
      });
    if (
      batch.wallet.relayerAddress &&
      getAddress(ownerAddress(p.relayerPublicKey)) !== getAddress(batch.wallet.relayerAddress)
    ) {
      throw new IntentMismatchError('the relayer key is not the wallet relayer', {});
    }
    for (const d of unsigned.digests) {
      if (d.digest.toLowerCase() !== tx.unsignedHash.toLowerCase() || d.publicKey !== p.relayerPublicKey) {
        throw new IntentMismatchError('a requested digest is not the relayer transaction hash', { digest: d.digest });
      }
    }
    const { tx: safeTx, signatures } = ctx.decodeExec(tx.data, p.safeNonce ?? -1n);
    checkSafeSignatures(
      safeTxHash(ctx.chainId, safe, safeTx),
      signatures,
      ctx.owners(batch.wallet),
      batch.wallet.threshold,
    );
    checkOutputsMatch(decodeSafeTxOutputs(safeTx, ctx.assetOf, ctx.nativeAsset), batch.outputs);
  }

  /** The relayer-signed transaction of a relay payload (every relayer transaction: withdrawals, sweeps, fills). */
  async finalize(unsigned: UnsignedChainTx, signatures: DigestSignature[]): Promise<SignedChainTx> {
    const p = parsePayload(unsigned.payload);
    if (p.kind !== 'relay') {
      throw domainError(
        ChainErrors['withdrawal.relay_round_required'],
        'Ethereum withdrawals take two rounds: pass the owners’ signatures to prepareRelay, then the relayer signature to finalize',
      );
    }
    const tx = Transaction.from(p.unsignedTx);
    const sig = signatures.find(
      (s) => s.digest.toLowerCase().replace(/^0x/, '') === tx.unsignedHash.slice(2).toLowerCase(),
    );
    if (!sig)
      throw domainError(
        ChainErrors['withdrawal.signatures_short'],
        'no relayer signature over the relayer transaction',
      );
    if (p.purpose === 'exec') {
      if (p.safe === undefined || p.safeNonce === undefined || p.owners === undefined || p.threshold === undefined)
        throw domainError(ChainErrors['withdrawal.payload_invalid'], 'exec payload lacks its Safe');
      const { tx: safeTx, signatures: safeSigs } = this.ctx.decodeExec(tx.data, p.safeNonce);
      checkSafeSignatures(safeTxHash(this.ctx.chainId, p.safe, safeTx), safeSigs, p.owners, p.threshold);
    }
    const { raw, txid } = signRelayerTx(p.unsignedTx, p.relayer, sig);
    return { chain: 'ethereum', batchId: unsigned.batchId, txid, raw };
  }

  /**
   * Sends a signed relayer transaction. An execTransaction is checked once more against the
   * Safe's owners, threshold and nonce ON CHAIN before it leaves: a short, unsorted or
   * non-owner signature set is refused here, not by a reverted (and paid-for) transaction.
   */
  async broadcast(signed: SignedChainTx): Promise<{ txid: string; alreadyKnown: boolean }> {
    const { ctx } = this;
    const tx = Transaction.from(signed.raw);
    if (!tx.hash || tx.hash !== signed.txid)
      throw domainError(ChainErrors['withdrawal.raw_invalid'], 'the raw transaction does not hash to the txid');
    if (tx.chainId !== ctx.chainId)
      throw domainError(ChainErrors['withdrawal.raw_invalid'], `the transaction is for chain ${tx.chainId}`);
    if (tx.to && tx.data.startsWith(EXEC_SELECTOR)) {
      const known = await ctx.rpc.receipt(tx.hash);
      if (!known) {
        const state = await ctx.safeState(tx.to);
        const { tx: safeTx, signatures } = ctx.decodeExec(tx.data, state.nonce);
        checkSafeSignatures(
          safeTxHash(ctx.chainId, getAddress(tx.to), safeTx),
          signatures,
          state.owners,
          state.threshold,
        );
      }
    }
    return ctx.rpc.sendRaw(signed.raw, tx.hash);
  }
}
