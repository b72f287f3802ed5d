import type {
  AddressCheck,
  BlockRef,
  ChainAdapter,
  ChainBlock,
  ChainCapabilities,
  ChainTransfer,
  CustodyWallet,
  DerivedAddress,
  DigestSignature,
  IntendedOutput,
  SignedChainTx,
  TxStatus,
  UnsignedChainTx,
  WatchedAddress,
  WithdrawalBatch,
} from '@strongroom/chains-core';
import { ChainErrors, refuseAddress } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import { getAddress } from 'ethers';
import { TRANSFER_TOPIC } from './constants';
import { SWEEPER_CREATION_CODE, SWEEPER_FACTORY_ADDRESS } from './contracts';
import { EthereumContext } from './ethereum-context';
import { EthereumRelayer } from './ethereum-relayer';
import { DEV_NETWORKS, EthereumSafes } from './ethereum-safes';
import { ethereumTxStatus } from './ethereum-status';
import { EthereumSweeps, type SweepResult } from './ethereum-sweeps';
import { EthereumWithdrawals } from './ethereum-withdrawals';
import { AddressSet } from './logic/address-set';
import { depositAddress } from './logic/deposit-address';
import { depositSalt } from './logic/deposit-salt';
import type { InternalTransfersMode } from './logic/internal-moves';
import { matchBlockTransfers } from './logic/match-block-transfers';
import { validateAddress } from './logic/validate-address';
import type { DeploymentCheck } from './network/dev-deployment';
import { fetchInternalTransfers } from './network/internal-transfers';
import type { RelayOptions } from './relay-options';
import type { EthereumToken } from './types';

export type { RelayOptions } from './relay-options';
export type { SweepResult } from './ethereum-sweeps';

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

/**
 * Ethereum custody: a Safe v1.4.1 per wallet whose owners are the wallet's KMS keys,
 * a KMS relayer key that pays gas, CREATE2 deposit addresses swept by a contract deployed only
 * at sweep time. Withdrawals take two signing rounds: the owners sign the SafeTx hash
 * (buildWithdrawal), then the relayer signs its transaction carrying those signatures
 * (capabilities.relay.prepareRelay → finalize). This class is the follower side and the port;
 * the relayer, sweeps, Safes and withdrawals are the parts in ethereum-*.ts.
 */
export class EthereumAdapter implements ChainAdapter {
  readonly chain = 'ethereum' as const;
  readonly network: string;
  readonly chainId: bigint;
  readonly relayer: EthereumRelayer;
  readonly sweeps: EthereumSweeps;
  readonly safes: EthereumSafes;
  readonly capabilities: ChainCapabilities & Required<Pick<ChainCapabilities, 'relay' | 'nonceFill' | 'sweep'>>;
  private readonly ctx: EthereumContext;
  private readonly withdrawals: EthereumWithdrawals;
  private readonly watched: AddressSet;
  private readonly internalTransfers: InternalTransfersMode;

  constructor(config: EthereumAdapterConfig) {
    this.network = config.network;
    this.chainId = config.chainId;
    this.ctx = new EthereumContext(
      config.rpcUrl,
      config.chainId,
      config.network,
      config.nativeAsset ?? 'ETH',
      config.tokens,
    );
    this.internalTransfers = config.internalTransfers ?? (DEV_NETWORKS.has(config.network) ? 'parityTrace' : 'off');
    this.watched = new AddressSet(config.expectedAddresses ?? 1024);
    this.relayer = new EthereumRelayer(this.ctx);
    this.sweeps = new EthereumSweeps(this.ctx, this.relayer);
    this.safes = new EthereumSafes(this.ctx, this.relayer);
    this.withdrawals = new EthereumWithdrawals(this.ctx, (a) => this.validateAddress(a));
    this.capabilities = { relay: this.relayer, nonceFill: this.relayer, sweep: this.sweeps, assets: this.ctx };
  }

  // ---- deployment and wallets (apps/custody and the dev tools hold an EthereumAdapter) ----------

  servesAsset(asset: string): boolean {
    return this.ctx.servesAsset(asset);
  }

  ensureDeployment(): Promise<DeploymentCheck[]> {
    return this.safes.ensureDeployment();
  }

  /** Records a wallet's Safe and relayer as our own: they are refused as withdrawal destinations. */
  registerWallet(wallet: CustodyWallet): void {
    if (wallet.safeAddress) this.ctx.refused.add(wallet.safeAddress.toLowerCase());
    if (wallet.relayerAddress) this.ctx.refused.add(wallet.relayerAddress.toLowerCase());
  }

  owners(wallet: CustodyWallet): string[] {
    return this.ctx.owners(wallet);
  }

  predictSafe(wallet: CustodyWallet, saltNonce: bigint): Promise<{ address: string; factoryCalldata: string }> {
    return this.safes.predictSafe(wallet, saltNonce);
  }

  buildSafeDeployment(
    wallet: CustodyWallet,
    saltNonce: bigint,
    opts: RelayOptions,
  ): Promise<UnsignedChainTx & { safeAddress: string }> {
    return this.safes.buildSafeDeployment(wallet, saltNonce, opts);
  }

  safeState(safe: string): Promise<{ owners: string[]; threshold: number; nonce: bigint }> {
    return this.ctx.safeState(safe);
  }

  balances(address: string, assets: string[], height?: number): Promise<Record<string, bigint>> {
    return this.sweeps.balances(address, assets, height);
  }

  // ---- follower -----------------------------------------------------------------------------

  async tip(): Promise<BlockRef> {
    const b = await this.ctx.rpc.blockRef('latest');
    if (!b) throw new Error('the node has no latest block');
    return b;
  }

  async block(height: number): Promise<ChainBlock> {
    const { rpc, nativeAsset } = this.ctx;
    const got = await rpc.blockWithLogs(height, this.ctx.tokens, TRANSFER_TOPIC);
    if (!got) throw domainError(ChainErrors['chain.block_unknown'], `no block at height ${height}`, { height });
    // A reverted transaction moved no ETH: look at receipts, but only of the (rare) candidates.
    const candidates = got.txs.filter((t) => t.value > 0n && this.watched.has(t.to));
    const failed = new Set<string>();
    const [receipts, internal] = await Promise.all([
      Promise.all(candidates.map((c) => rpc.receipt(c.hash))),
      fetchInternalTransfers(
        rpc,
        this.internalTransfers,
        got.ref,
        got.txs.map((t) => t.hash),
        this.watched,
        nativeAsset,
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
      this.ctx.assetOf,
      (h) => failed.has(h),
      nativeAsset,
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
    if (!wallet.safeAddress) throw domainError(ChainErrors['wallet.no_safe'], `wallet ${wallet.id} has no Safe yet`);
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
    const check = validateAddress(address, this.ctx.refused);
    if (check.ok && this.watched.has(check.normalized)) {
      return refuseAddress(ChainErrors['address.refused'], 'the address is one of our deposit addresses');
    }
    return check;
  }

  // ---- withdrawals (ethereum-withdrawals.ts) ------------------------------------------------

  buildWithdrawal(batch: WithdrawalBatch): Promise<UnsignedChainTx> {
    return this.withdrawals.build(batch);
  }

  checkIntent(unsigned: UnsignedChainTx, batch: WithdrawalBatch): void {
    this.withdrawals.checkIntent(unsigned, batch);
  }

  finalize(unsigned: UnsignedChainTx, signatures: DigestSignature[]): Promise<SignedChainTx> {
    return this.withdrawals.finalize(unsigned, signatures);
  }

  broadcast(signed: SignedChainTx): Promise<{ txid: string; alreadyKnown: boolean }> {
    return this.withdrawals.broadcast(signed);
  }

  status(txid: string, outputs?: readonly IntendedOutput[]): Promise<TxStatus> {
    return ethereumTxStatus(this.ctx, async () => (await this.tip()).height, txid, outputs);
  }

  // ---- relayer and sweeps, for callers holding an EthereumAdapter (tests, tools) -------------

  prepareRelay(
    unsigned: UnsignedChainTx,
    ownerSignatures: DigestSignature[],
    opts: RelayOptions,
  ): Promise<UnsignedChainTx> {
    return this.relayer.prepareRelay(unsigned, ownerSignatures, opts);
  }

  buildSweep(
    wallet: CustodyWallet,
    tags: string[],
    assets: string[],
    opts: RelayOptions,
    id?: string,
  ): Promise<UnsignedChainTx> {
    return this.sweeps.buildSweep(wallet, tags, assets, opts, id);
  }

  sweepResult(txid: string): Promise<SweepResult> {
    return this.sweeps.sweepResult(txid);
  }

  close(): void {
    this.ctx.rpc.destroy();
  }
}
