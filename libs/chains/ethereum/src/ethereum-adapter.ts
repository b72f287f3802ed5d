import {
  IntentMismatchError,
  checkOutputsMatch,
  type AddressCheck,
  type BlockRef,
  type ChainAdapter,
  type ChainBlock,
  type ChainTransfer,
  type CustodyWallet,
  type DerivedAddress,
  type DigestSignature,
  type IntendedOutput,
  type SignedWithdrawal,
  type TxStatus,
  type UnpaidOutput,
  type UnsignedWithdrawal,
  type WatchedAddress,
  type WithdrawalBatch,
} from '@strongroom/chains-core';
import { badRequest, conflict, unprocessable } from '@strongroom/shared-types';
import { getAddress, toQuantity, Transaction } from 'ethers';
import {
  ERC20_ABI,
  EXEC_TRANSACTION_SELECTOR as EXEC_SELECTOR,
  PROXY_FACTORY_ABI,
  SAFE_ABI,
  SAFE_V141,
  SWEEPER_FACTORY_ABI,
  SWEPT_TOPIC,
  TRANSFER_TOPIC,
} from './constants';
import { SWEEPER_CREATION_CODE, SWEEPER_FACTORY_ADDRESS } from './contracts';
import { AddressSet } from './logic/address-set';
import { buildRelayerTx } from './logic/build-relayer-tx';
import { buildSafeTx } from './logic/build-safe-tx';
import { bumpFees } from './logic/bump-fees';
import { checkNonceFillIntent } from './logic/check-nonce-fill-intent';
import { checkSafeSignatures } from './logic/check-safe-signatures';
import { checkSweepIntent } from './logic/check-sweep-intent';
import { decodeExecTransaction } from './logic/decode-exec-transaction';
import { decodeSafeTxOutputs } from './logic/decode-safe-tx-outputs';
import { depositAddress } from './logic/deposit-address';
import { depositSalt } from './logic/deposit-salt';
import { encodeExecTransaction } from './logic/encode-exec-transaction';
import { encodeSafeSignatures } from './logic/encode-safe-signatures';
import type { InternalTransfersMode } from './logic/internal-moves';
import { judgeExecution } from './logic/judge-execution';
import { matchBlockTransfers } from './logic/match-block-transfers';
import { ownerAddress } from './logic/owner-address';
import { parsePayload } from './logic/parse-payload';
import { safeSetup } from './logic/safe-setup';
import { safeTxHash } from './logic/safe-tx-hash';
import { serializePayload } from './logic/serialize-payload';
import { signRelayerTx } from './logic/sign-relayer-tx';
import { validateAddress } from './logic/validate-address';
import { checkDeployment, ensureDevDeployment, type DeploymentCheck } from './network/dev-deployment';
import { EthereumRpc } from './network/ethereum-rpc';
import { fetchInternalTransfers } from './network/internal-transfers';
import type { EthereumPayload, EthereumToken, RelayerTxParams } from './types';

export interface EthereumAdapterConfig {
  rpcUrl: string;
  /** 'mainnet', 'sepolia', 'anvil', … — dev chains get contracts deployed by ensureDeployment. */
  network: string;
  chainId: bigint;
  tokens: EthereumToken[];
  nativeAsset?: string;
  /** Expected number of watched addresses (sizes the set up front). */
  expectedAddresses?: number;
  /**
   * ETH paid to deposit addresses by contracts' internal calls, read from call traces: geth's
   * `callTracer` (debug_traceBlockByHash) or parity-style `trace_block` (erigon, nethermind,
   * reth, anvil). Costs one trace per non-empty block. Default 'parityTrace' on dev chains
   * (anvil serves it from traces recorded at mining, and still after a restart from its state
   * file; its debug_trace replays every transaction), 'off' elsewhere: many providers offer no traces.
   */
  internalTransfers?: InternalTransfersMode;
}

/** Relayer side of a relay round: its key, and the nonce/fees the caller reserved. Gas limit is estimated when absent. */
export interface RelayOptions {
  relayerPublicKey: string;
  nonce: number;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  gasLimit?: bigint;
}

export interface SweepResult {
  txid: string;
  height: number;
  gasUsed: bigint;
  /** What the relayer paid, in wei: booked from the relayer's gas account, not custody. */
  fee: bigint;
  swept: { address: string; asset: string; amount: bigint }[];
  /** The sweep reverted: nothing moved, the gas was paid. */
  reverted: boolean;
}

const DEV_NETWORKS = new Set(['anvil', 'dev', 'localhost']);

/**
 * Ethereum custody: a Safe v1.4.1 per wallet whose owners are the wallet's KMS keys,
 * a KMS relayer key that pays gas, CREATE2 deposit addresses swept by a contract deployed only
 * at sweep time. Withdrawals take two signing rounds: the owners sign the SafeTx hash
 * (buildWithdrawal), then the relayer signs its transaction carrying those signatures
 * (prepareRelay → finalize).
 */
export class EthereumAdapter implements ChainAdapter {
  readonly chain = 'ethereum' as const;
  readonly network: string;
  readonly chainId: bigint;
  private readonly rpc: EthereumRpc;
  private readonly watched: AddressSet;
  private readonly refused = new Set<string>();
  private readonly tokenByAsset = new Map<string, string>();
  private readonly assetByToken = new Map<string, string>();
  private readonly nativeAsset: string;
  private readonly internalTransfers: InternalTransfersMode;

  constructor(config: EthereumAdapterConfig) {
    this.network = config.network;
    this.chainId = config.chainId;
    this.nativeAsset = config.nativeAsset ?? 'ETH';
    this.internalTransfers = config.internalTransfers ?? (DEV_NETWORKS.has(config.network) ? 'parityTrace' : 'off');
    this.rpc = new EthereumRpc(config.rpcUrl, config.chainId);
    this.watched = new AddressSet(config.expectedAddresses ?? 1024);
    for (const t of config.tokens) {
      const address = getAddress(t.address);
      this.tokenByAsset.set(t.asset, address);
      this.assetByToken.set(address.toLowerCase(), t.asset);
      this.refused.add(address.toLowerCase());
    }
    for (const c of Object.values(SAFE_V141)) this.refused.add(c.address.toLowerCase());
    this.refused.add(SWEEPER_FACTORY_ADDRESS.toLowerCase());
  }

  private readonly tokenOf = (asset: string) => this.tokenByAsset.get(asset) ?? null;
  private readonly assetOf = (token: string) => this.assetByToken.get(token.toLowerCase()) ?? null;

  // ---- deployment ---------------------------------------------------------------------------

  /**
   * Whether this deployment can move `asset`: the native asset, or a token whose contract it was
   * configured with. Callers refuse other assets before accepting a request for them.
   */
  servesAsset(asset: string): boolean {
    return asset === this.nativeAsset || this.tokenByAsset.has(asset);
  }

  /** Dev chains: deploys the Safe contracts at their canonical addresses and our sweeper factory. Real chains: only checks. Throws on a code hash mismatch. */
  async ensureDeployment(): Promise<DeploymentCheck[]> {
    const chainId = await this.rpc.chainId();
    if (chainId !== this.chainId) throw new Error(`node is on chain ${chainId}, configured for ${this.chainId}`);
    if (DEV_NETWORKS.has(this.network)) return ensureDevDeployment(this.rpc);
    const checks = await checkDeployment(this.rpc);
    const bad = checks.filter((c) => c.actual !== c.expected);
    if (bad.length > 0)
      throw new Error(`unexpected code at ${bad.map((b) => `${b.contract} ${b.address}`).join(', ')}`);
    return checks;
  }

  /** Records a wallet's Safe and relayer as our own: they are refused as withdrawal destinations. */
  registerWallet(wallet: CustodyWallet): void {
    if (wallet.safeAddress) this.refused.add(wallet.safeAddress.toLowerCase());
    if (wallet.relayerAddress) this.refused.add(wallet.relayerAddress.toLowerCase());
  }

  /** Owner addresses of a wallet, from its compressed public keys. */
  owners(wallet: CustodyWallet): string[] {
    return wallet.publicKeys.map(ownerAddress);
  }

  /** The Safe address a wallet gets with `saltNonce`, and the relayer round that deploys it. */
  async predictSafe(wallet: CustodyWallet, saltNonce: bigint): Promise<{ address: string; factoryCalldata: string }> {
    const proxyCode = SAFE_ABI.getAbiCoder().decode(
      ['bytes'],
      await this.rpc.call(SAFE_V141.proxyFactory.address, PROXY_FACTORY_ABI.encodeFunctionData('proxyCreationCode')),
    )[0] as string;
    return safeSetup(this.owners(wallet), wallet.threshold, saltNonce, proxyCode);
  }

  async buildSafeDeployment(
    wallet: CustodyWallet,
    saltNonce: bigint,
    opts: RelayOptions,
  ): Promise<UnsignedWithdrawal & { safeAddress: string }> {
    const { address, factoryCalldata } = await this.predictSafe(wallet, saltNonce);
    const unsigned = await this.relayRound(
      'deploy-safe',
      `safe-${address}`,
      SAFE_V141.proxyFactory.address,
      factoryCalldata,
      opts,
      {},
    );
    return { ...unsigned, safeAddress: address };
  }

  /**
   * A relayer round that only consumes `opts.nonce` (0 ETH to itself, 21,000 gas): fills a nonce
   * that was reserved but whose transaction will never be sent, so later ones are not stuck
   * behind a hole. Submitted with higher fees it also cancels a stuck transaction.
   */
  async buildNonceFill(opts: RelayOptions): Promise<UnsignedWithdrawal> {
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
  checkNonceFillIntent(unsigned: UnsignedWithdrawal, wallet: CustodyWallet, nonce: number): void {
    checkNonceFillIntent(unsigned, wallet.relayerAddress, nonce, this.chainId);
  }

  /** The Safe's owners and threshold on chain, to compare with the wallet before trusting it. */
  async safeState(safe: string): Promise<{ owners: string[]; threshold: number; nonce: bigint }> {
    const [o, t, n] = await Promise.all([
      this.rpc.call(safe, SAFE_ABI.encodeFunctionData('getOwners')),
      this.rpc.call(safe, SAFE_ABI.encodeFunctionData('getThreshold')),
      this.rpc.call(safe, SAFE_ABI.encodeFunctionData('nonce')),
    ]);
    return {
      owners: (SAFE_ABI.decodeFunctionResult('getOwners', o)[0] as string[]).map((a) => getAddress(a)),
      threshold: Number(SAFE_ABI.decodeFunctionResult('getThreshold', t)[0]),
      nonce: SAFE_ABI.decodeFunctionResult('nonce', n)[0] as bigint,
    };
  }

  // ---- follower -----------------------------------------------------------------------------

  async tip(): Promise<BlockRef> {
    const b = await this.rpc.blockRef('latest');
    if (!b) throw new Error('the node has no latest block');
    return b;
  }

  async block(height: number): Promise<ChainBlock> {
    const got = await this.rpc.blockWithLogs(height, [...this.tokenByAsset.values()], TRANSFER_TOPIC);
    if (!got) throw badRequest('chain.block_unknown', `no block at height ${height}`, { height });
    // A reverted transaction moved no ETH: look at receipts, but only of the (rare) candidates.
    const candidates = got.txs.filter((t) => t.value > 0n && this.watched.has(t.to));
    const failed = new Set<string>();
    const [receipts, internal] = await Promise.all([
      Promise.all(candidates.map((c) => this.rpc.receipt(c.hash))),
      fetchInternalTransfers(
        this.rpc,
        this.internalTransfers,
        got.ref,
        got.txs.map((t) => t.hash),
        this.watched,
        this.nativeAsset,
      ),
    ]);
    candidates.forEach((c, i) => {
      const r = receipts[i];
      if (!r || r.status !== 1 || r.blockHash !== got.ref.hash) failed.add(c.hash);
    });
    const transfers = matchBlockTransfers(
      got.txs,
      got.logs,
      this.watched,
      this.assetOf,
      (h) => failed.has(h),
      this.nativeAsset,
    );
    return { ...got.ref, transfers: [...transfers, ...internal] };
  }

  /** ETH deposits are credited from blocks only; the mempool is not watched on Ethereum. */
  async mempool(): Promise<ChainTransfer[]> {
    return [];
  }

  watch(addresses: WatchedAddress[]): void {
    for (const a of addresses) this.watched.add(a.address);
  }

  get watchedCount(): number {
    return this.watched.size;
  }

  deriveDepositAddress(wallet: CustodyWallet, tag: string): DerivedAddress {
    if (!wallet.safeAddress) throw badRequest('wallet.no_safe', `wallet ${wallet.id} has no Safe yet`);
    const salt = depositSalt(tag);
    const { address, initCodeHash } = depositAddress(
      SWEEPER_FACTORY_ADDRESS,
      SWEEPER_CREATION_CODE,
      getAddress(wallet.safeAddress),
      salt,
    );
    return { address, locator: salt, derivation: initCodeHash };
  }

  validateAddress(address: string): AddressCheck {
    const check = validateAddress(address, this.refused);
    if (check.ok && this.watched.has(check.normalized)) {
      return { ok: false, code: 'address.refused', reason: 'the address is one of our deposit addresses' };
    }
    return check;
  }

  /**
   * Balances of `address` per asset (ETH and configured tokens) at `height` (default latest):
   * for sweep scheduling (deposit addresses) and reconciliation (the Safe) at a snapshot height.
   */
  async balances(address: string, assets: string[], height?: number): Promise<Record<string, bigint>> {
    const at = height === undefined ? 'latest' : toQuantity(height);
    const entries = await Promise.all(
      assets.map(async (asset): Promise<[string, bigint]> => {
        if (asset === this.nativeAsset)
          return [asset, BigInt(await this.rpc.send<string>('eth_getBalance', [address, at]))];
        const token = this.tokenOf(asset);
        if (!token) throw badRequest('asset.unknown', `asset ${asset} has no token on ${this.network}`);
        const ret = await this.rpc.send<string>('eth_call', [
          { to: token, data: ERC20_ABI.encodeFunctionData('balanceOf', [address]) },
          at,
        ]);
        return [asset, BigInt(ret)];
      }),
    );
    return Object.fromEntries(entries);
  }

  // ---- sweeps -------------------------------------------------------------------------------

  /**
   * The relayer round that sweeps the deposit addresses of `tags` (all their ETH, and the given
   * assets' tokens) into the wallet's Safe. `id` names the round (the sweep's id).
   */
  async buildSweep(
    wallet: CustodyWallet,
    tags: string[],
    assets: string[],
    opts: RelayOptions,
    id = `sweep-${wallet.id}`,
  ): Promise<UnsignedWithdrawal> {
    if (!wallet.safeAddress) throw badRequest('wallet.no_safe', `wallet ${wallet.id} has no Safe yet`);
    const data = SWEEPER_FACTORY_ABI.encodeFunctionData('sweep', [
      getAddress(wallet.safeAddress),
      tags.map(depositSalt),
      this.sweepTokens(assets),
    ]);
    return this.relayRound('sweep', id, SWEEPER_FACTORY_ADDRESS, data, opts, {});
  }

  /** The sweep's intent check (see checkSweepIntent), before its relayer digest goes to KMS. */
  checkSweepIntent(unsigned: UnsignedWithdrawal, wallet: CustodyWallet, tags: string[], assets: string[]): void {
    checkSweepIntent(unsigned, wallet, { tags, tokens: this.sweepTokens(assets) }, this.chainId);
  }

  private sweepTokens(assets: string[]): string[] {
    return assets
      .filter((a) => a !== this.nativeAsset)
      .map((a) => {
        const t = this.tokenOf(a);
        if (!t) throw badRequest('asset.unknown', `asset ${a} has no token on ${this.network}`);
        return t;
      });
  }

  /**
   * What a mined sweep moved (from the sweepers' Swept logs) and the gas the relayer paid, for the
   * ledger. A reverted sweep moved nothing but was still paid for: `reverted`, `swept` empty.
   */
  async sweepResult(txid: string): Promise<SweepResult> {
    const r = await this.rpc.receipt(txid);
    if (!r) throw badRequest('chain.tx_unknown', `sweep ${txid} is not mined`);
    if (r.status !== 1)
      return {
        txid,
        height: r.blockNumber,
        gasUsed: r.gasUsed,
        fee: r.gasUsed * r.effectiveGasPrice,
        swept: [],
        reverted: true,
      };
    const swept = r.logs
      .filter((l) => l.topics[0] === SWEPT_TOPIC)
      .map((l) => {
        const token = getAddress(`0x${l.topics[2].slice(26)}`);
        const asset = BigInt(token) === 0n ? this.nativeAsset : (this.assetOf(token) ?? token);
        return { address: getAddress(l.address), asset, amount: BigInt(l.data) };
      });
    return {
      txid,
      height: r.blockNumber,
      gasUsed: r.gasUsed,
      fee: r.gasUsed * r.effectiveGasPrice,
      swept,
      reverted: false,
    };
  }

  // ---- withdrawals --------------------------------------------------------------------------

  /**
   * Round 1: the Safe transaction paying the batch, and one digest request per owner key (all
   * the same SafeTx hash; any `threshold` of them suffice). The Safe nonce is `batch.fee.safeNonce`
   * or read from chain: withdrawals of one Safe must be built one after the other. `fee` is 0
   * here: the relayer's fee is only known in round 2.
   */
  async buildWithdrawal(batch: WithdrawalBatch): Promise<UnsignedWithdrawal> {
    const safe = this.safeOf(batch.wallet);
    for (const o of batch.outputs) {
      if (!this.servesAsset(o.asset))
        throw badRequest('asset.unknown', `withdrawal ${o.ref}: asset ${o.asset} has no token on ${this.network}`, {
          ref: o.ref,
          asset: o.asset,
        });
      const check = this.validateAddress(o.address);
      if (!check.ok)
        throw badRequest(check.code, `withdrawal ${o.ref}: ${check.reason}`, { ref: o.ref, address: o.address });
    }
    const nonce = batch.fee?.safeNonce !== undefined ? BigInt(batch.fee.safeNonce) : (await this.safeState(safe)).nonce;
    const safeTx = buildSafeTx(batch.outputs, this.tokenOf, nonce, this.nativeAsset);
    const hash = safeTxHash(this.chainId, safe, safeTx);
    const payload: EthereumPayload = {
      kind: 'safe-tx',
      chainId: this.chainId,
      safe,
      safeTx,
      safeTxHash: hash,
      owners: this.owners(batch.wallet),
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

  /**
   * The intent check, before any digest goes to KMS. Decodes the payload itself — for round 1 the
   * Safe transaction, for round 2 the relayer's unsigned transaction and the execTransaction
   * inside it — recomputes the SafeTx hash and requires every requested digest to be that hash
   * (round 1) or the relayer transaction hash (round 2), then compares the decoded outputs with
   * the approved ones.
   */
  checkIntent(unsigned: UnsignedWithdrawal, batch: WithdrawalBatch): void {
    const p = parsePayload(unsigned.payload);
    const safe = this.safeOf(batch.wallet);
    if (p.chainId !== this.chainId) throw new IntentMismatchError(`payload is for chain ${p.chainId}`, {});
    if (p.kind === 'safe-tx') {
      if (getAddress(p.safe) !== safe)
        throw new IntentMismatchError(`payload spends from ${p.safe}, not the wallet's Safe ${safe}`, {});
      const walletOwners = this.owners(batch.wallet);
      if (
        p.threshold !== batch.wallet.threshold ||
        p.owners.length !== walletOwners.length ||
        !p.owners.every((o, i) => getAddress(o) === walletOwners[i])
      ) {
        throw new IntentMismatchError('the payload names other owners or another threshold than the wallet', {});
      }
      const hash = safeTxHash(this.chainId, safe, p.safeTx);
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
      checkOutputsMatch(decodeSafeTxOutputs(p.safeTx, this.assetOf, this.nativeAsset), batch.outputs);
      return;
    }
    if (p.purpose !== 'exec') throw new IntentMismatchError(`a ${p.purpose} transaction is not a withdrawal`, {});
    const tx = Transaction.from(p.unsignedTx);
    if (tx.chainId !== this.chainId || tx.type !== 2)
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
    const { tx: safeTx, signatures } = this.decodeExec(tx.data, p.safeNonce ?? -1n);
    checkSafeSignatures(
      safeTxHash(this.chainId, safe, safeTx),
      signatures,
      this.owners(batch.wallet),
      batch.wallet.threshold,
    );
    checkOutputsMatch(decodeSafeTxOutputs(safeTx, this.assetOf, this.nativeAsset), batch.outputs);
  }

  /**
   * Round 2: takes the owners' signatures (≥ threshold, each recovering to an owner; sorted here),
   * refuses a short or non-owner set, and returns the relayer's unsigned EIP-1559 transaction
   * with the nonce and fee caps the caller reserved. Its single digest is for the relayer key.
   */
  async prepareRelay(
    unsigned: UnsignedWithdrawal,
    ownerSignatures: DigestSignature[],
    opts: RelayOptions,
  ): Promise<UnsignedWithdrawal> {
    const p = parsePayload(unsigned.payload);
    if (p.kind !== 'safe-tx')
      throw badRequest('withdrawal.payload_invalid', 'prepareRelay takes the round-1 (safe-tx) payload');
    const hash = safeTxHash(this.chainId, p.safe, p.safeTx);
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
    unsigned: UnsignedWithdrawal,
    wanted: { maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint } = {},
    ceiling?: bigint,
  ): UnsignedWithdrawal {
    const p = parsePayload(unsigned.payload);
    if (p.kind !== 'relay')
      throw badRequest('withdrawal.payload_invalid', 'only a relayer transaction can be replaced');
    const tx = Transaction.from(p.unsignedTx);
    if (tx.maxFeePerGas === null || tx.maxPriorityFeePerGas === null || tx.to === null)
      throw badRequest('withdrawal.payload_invalid', 'not an EIP-1559 call');
    const fees = bumpFees(
      { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas },
      wanted,
      ceiling,
    );
    const { unsignedTx, digest } = buildRelayerTx(this.chainId, tx.to, tx.data, {
      nonce: tx.nonce,
      gasLimit: tx.gasLimit,
      ...fees,
    });
    return this.relayUnsigned(unsigned.batchId, { ...p, unsignedTx }, digest, tx.gasLimit * fees.maxFeePerGas);
  }

  async finalize(unsigned: UnsignedWithdrawal, signatures: DigestSignature[]): Promise<SignedWithdrawal> {
    const p = parsePayload(unsigned.payload);
    if (p.kind !== 'relay') {
      throw conflict(
        'withdrawal.relay_round_required',
        'Ethereum withdrawals take two rounds: pass the owners’ signatures to prepareRelay, then the relayer signature to finalize',
      );
    }
    const tx = Transaction.from(p.unsignedTx);
    const sig = signatures.find(
      (s) => s.digest.toLowerCase().replace(/^0x/, '') === tx.unsignedHash.slice(2).toLowerCase(),
    );
    if (!sig) throw unprocessable('withdrawal.signatures_short', 'no relayer signature over the relayer transaction');
    if (p.purpose === 'exec') {
      if (p.safe === undefined || p.safeNonce === undefined || p.owners === undefined || p.threshold === undefined)
        throw badRequest('withdrawal.payload_invalid', 'exec payload lacks its Safe');
      const { tx: safeTx, signatures: safeSigs } = this.decodeExec(tx.data, p.safeNonce);
      checkSafeSignatures(safeTxHash(this.chainId, p.safe, safeTx), safeSigs, p.owners, p.threshold);
    }
    const { raw, txid } = signRelayerTx(p.unsignedTx, p.relayer, sig);
    return { chain: 'ethereum', batchId: unsigned.batchId, txid, raw };
  }

  /**
   * Sends a signed relayer transaction. An execTransaction is checked once more against the
   * Safe's owners, threshold and nonce ON CHAIN before it leaves: a short, unsorted or
   * non-owner signature set is refused here, not by a reverted (and paid-for) transaction.
   */
  async broadcast(signed: SignedWithdrawal): Promise<{ txid: string; alreadyKnown: boolean }> {
    const tx = Transaction.from(signed.raw);
    if (!tx.hash || tx.hash !== signed.txid)
      throw badRequest('withdrawal.raw_invalid', 'the raw transaction does not hash to the txid');
    if (tx.chainId !== this.chainId)
      throw badRequest('withdrawal.raw_invalid', `the transaction is for chain ${tx.chainId}`);
    if (tx.to && tx.data.startsWith(EXEC_SELECTOR)) {
      const known = await this.rpc.receipt(tx.hash);
      if (!known) {
        const state = await this.safeState(tx.to);
        const { tx: safeTx, signatures } = this.decodeExec(tx.data, state.nonce);
        checkSafeSignatures(
          safeTxHash(this.chainId, getAddress(tx.to), safeTx),
          signatures,
          state.owners,
          state.threshold,
        );
      }
    }
    return this.rpc.sendRaw(signed.raw, tx.hash);
  }

  /**
   * Mempool, or mined with a verdict and the gas the relayer paid. A mined execTransaction is
   * judged per payout (judgeExecution): `confirmed` when every output moved, `partial` when some
   * token transfers did not (a token that returns false: the Safe and MultiSendCallOnly go on,
   * so the other outputs of the batch are paid), `failed` when nothing moved. Given the batch's
   * approved outputs, the executed payouts must match them position by position (the order the
   * batch was built in) and unpaid ones are named by ref; what cannot be judged throws.
   */
  async status(txid: string, outputs?: readonly IntendedOutput[]): Promise<TxStatus> {
    const r = await this.rpc.receipt(txid);
    if (!r) {
      const t = await this.rpc.transaction(txid);
      return t ? { state: 'mempool' } : { state: 'unknown' };
    }
    const tip = await this.tip();
    const mined = {
      height: r.blockNumber,
      blockHash: r.blockHash,
      confirmations: tip.height - r.blockNumber + 1,
      fee: r.gasUsed * r.effectiveGasPrice,
    };
    const t = await this.rpc.transaction(txid);
    if (!t?.to || !t.input.startsWith(EXEC_SELECTOR)) {
      return r.status === 1
        ? { state: 'confirmed', ...mined }
        : { state: 'failed', reason: 'the transaction reverted', ...mined };
    }
    const verdict = judgeExecution(r, t.to, this.decodeExec(t.input, 0n).tx);
    if (!verdict.executed) return { state: 'failed', reason: verdict.reason, ...mined };
    if (outputs && outputs.length !== verdict.payouts.length) {
      throw new Error(
        `cannot judge ${txid}: it makes ${verdict.payouts.length} payments, its batch has ${outputs.length} outputs`,
      );
    }
    const unpaid: UnpaidOutput[] = [];
    verdict.payouts.forEach((p, i) => {
      const o = outputs?.[i];
      const token = o ? this.tokenOf(o.asset) : null;
      const same =
        !o ||
        (getAddress(o.address) === p.address &&
          o.amount === p.amount &&
          (o.asset === this.nativeAsset
            ? p.token === null
            : p.token !== null && (token === null || token === p.token)));
      if (!same)
        throw new Error(
          `cannot judge ${txid}: payment ${i} (${p.amount} of ${p.token ?? this.nativeAsset} to ${p.address}) is not output ${o.ref} (${o.amount} ${o.asset} to ${o.address})`,
        );
      const asset = o?.asset ?? (p.token === null ? this.nativeAsset : (this.assetOf(p.token) ?? p.token));
      if (!p.paid)
        unpaid.push({
          ref: o?.ref ?? String(i),
          reason: `no Transfer of ${p.amount} ${asset} to ${p.address}: the token did not move (it may have returned false)`,
        });
    });
    if (unpaid.length === 0) return { state: 'confirmed', ...mined };
    if (unpaid.length === verdict.payouts.length)
      return { state: 'failed', reason: unpaid.map((u) => u.reason).join('; '), ...mined };
    return { state: 'partial', unpaid, ...mined };
  }

  /** Suggested EIP-1559 caps and the relayer's pending nonce on chain (input for nextRelayerNonce). */
  async relayerChainState(
    relayer: string,
  ): Promise<{ pendingNonce: number; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    const [pendingNonce, fees] = await Promise.all([this.rpc.pendingNonce(relayer), this.rpc.suggestFees()]);
    return { pendingNonce, ...fees };
  }

  close(): void {
    this.rpc.destroy();
  }

  // ---- internals ----------------------------------------------------------------------------

  private safeOf(wallet: CustodyWallet): string {
    if (!wallet.safeAddress) throw badRequest('wallet.no_safe', `wallet ${wallet.id} has no Safe`);
    return getAddress(wallet.safeAddress);
  }

  private decodeExec(data: string, nonce: bigint) {
    try {
      return decodeExecTransaction(data, nonce);
    } catch {
      throw new IntentMismatchError('the relayer transaction is not an execTransaction', {});
    }
  }

  private async relayRound(
    purpose: 'exec' | 'sweep' | 'deploy-safe' | 'cancel',
    batchId: string,
    to: string,
    data: string,
    opts: RelayOptions,
    extra: { safe?: string; safeNonce?: bigint; owners?: string[]; threshold?: number },
  ): Promise<UnsignedWithdrawal> {
    const relayer = ownerAddress(opts.relayerPublicKey);
    // Estimated from the relayer with the real calldata (signatures included), plus 25% headroom.
    const gasLimit = opts.gasLimit ?? ((await this.rpc.estimateGas(relayer, to, data)) * 125n) / 100n;
    const params: RelayerTxParams = {
      nonce: opts.nonce,
      maxFeePerGas: opts.maxFeePerGas,
      maxPriorityFeePerGas: opts.maxPriorityFeePerGas,
      gasLimit,
    };
    const { unsignedTx, digest } = buildRelayerTx(this.chainId, to, data, params);
    const payload: EthereumPayload = {
      kind: 'relay',
      purpose,
      chainId: this.chainId,
      relayer,
      relayerPublicKey: opts.relayerPublicKey,
      unsignedTx,
      ...extra,
    };
    return this.relayUnsigned(batchId, payload, digest, gasLimit * opts.maxFeePerGas);
  }

  private relayUnsigned(batchId: string, payload: EthereumPayload, digest: string, maxFee: bigint): UnsignedWithdrawal {
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
