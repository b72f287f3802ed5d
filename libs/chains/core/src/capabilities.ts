import type { CustodyWallet, DigestSignature, SignedChainTx, UnsignedChainTx, WithdrawalBatch } from './chain-types';

/** Current fees and the relayer's next nonce as the node sees them (EIP-1559, wei). */
export interface RelayerChainState {
  pendingNonce: number;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** The relayer transaction a relayed step is built for: which key signs it, at which nonce, at which fees. */
export interface RelayOptions {
  /** The relayer's compressed public key (hex), whose KMS key signs the submission. */
  relayerPublicKey: string;
  nonce: number;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * Chains where a relayer submits what the wallet keys signed (Ethereum: the owners sign the SafeTx
 * hash, then the relayer signs its EIP-1559 transaction carrying their signatures). A relayer
 * transaction stuck in the mempool is replaced at the same nonce with higher fees.
 */
export interface RelayCapability {
  relayerChainState(relayer: string): Promise<RelayerChainState>;
  /** The relayer's transaction carrying the owners' signatures: one more digest, for the relayer key. */
  prepareRelay(
    unsigned: UnsignedChainTx,
    ownerSignatures: DigestSignature[],
    opts: RelayOptions,
  ): Promise<UnsignedChainTx>;
  /** The same relayer transaction (same nonce) with fees raised by at least the node's minimum, within `ceiling`. */
  replaceRelay(
    unsigned: UnsignedChainTx,
    wanted?: { maxFeePerGas?: bigint; maxPriorityFeePerGas?: bigint },
    ceiling?: bigint,
  ): UnsignedChainTx;
}

/**
 * A relayer transaction that only consumes one nonce (Ethereum: 0 ETH from the relayer to itself),
 * to fill a reserved nonce whose own transaction will never be sent; with its intent check.
 */
export interface NonceFillCapability {
  buildNonceFill(opts: RelayOptions): Promise<UnsignedChainTx>;
  checkNonceFillIntent(unsigned: UnsignedChainTx, wallet: CustodyWallet, nonce: number): void;
}

/** What a mined sweep did: the gas paid (always) and what moved (nothing when it reverted). */
export interface SweepOutcome {
  txid: string;
  height: number;
  fee: bigint;
  swept: { address: string; asset: string; amount: bigint }[];
  reverted: boolean;
}

/**
 * Chains whose deposit addresses must be swept into custody (Ethereum: CREATE2 addresses emptied
 * into the Safe by a contract deployed there at sweep time). Sweeps are relayer transactions: an
 * adapter with this capability has `relay` too.
 */
export interface SweepCapability {
  balances(address: string, assets: string[], height?: number): Promise<Record<string, bigint>>;
  buildSweep(
    wallet: CustodyWallet,
    tags: string[],
    assets: string[],
    opts: RelayOptions,
    id?: string,
  ): Promise<UnsignedChainTx>;
  checkSweepIntent(unsigned: UnsignedChainTx, wallet: CustodyWallet, tags: string[], assets: string[]): void;
  sweepResult(txid: string): Promise<SweepOutcome>;
}

/** One input of a transaction the node does not have, as the UTXO adapter judges it. */
export interface InputVerdict {
  txid: string;
  vout: number;
  state: 'unspent' | 'spent' | 'pending' | 'missing';
}

/**
 * UTXO chains (Bitcoin): coin selection that skips outpoints other batches own, the outpoints a
 * stored payload spends (the durable reservations), the inputs of a raw transaction (to re-send
 * parents before children), input verdicts for a transaction that came back (conflicts), and fee
 * bumps by CPFP (`replaceByFee`: whether the node relays BIP-125 replacements).
 */
export interface UtxoCapability {
  readonly replaceByFee: boolean;
  /** `buildWithdrawal`, choosing no outpoint in `taken` (`txid:vout`). */
  buildAvoiding(batch: WithdrawalBatch, taken: ReadonlySet<string>): Promise<UnsignedChainTx>;
  spentOutpoints(payload: string): string[];
  inputsOf(raw: string): { txid: string; vout: number }[];
  inputStates(raw: string): Promise<InputVerdict[]>;
  buildCpfp(
    parent: SignedChainTx,
    parentFee: bigint,
    wallet: CustodyWallet,
    feeRate?: number,
  ): Promise<UnsignedChainTx>;
  checkCpfpIntent(unsigned: UnsignedChainTx, parent: SignedChainTx, parentFee: bigint, wallet: CustodyWallet): void;
  feeRate(): Promise<number>;
}

/**
 * Whether this deployment can move an asset of its chain (Ethereum: the native asset, or a token
 * whose contract it was configured with). Without it, an adapter serves every asset of its chain.
 */
export interface AssetCapability {
  servesAsset(asset: string): boolean;
}

/**
 * What an adapter can do beyond the ChainAdapter port. Each is an object the adapter exposes or
 * leaves out; the pipeline asks `adapter.capabilities.relay` and never probes for methods.
 */
export interface ChainCapabilities {
  relay?: RelayCapability;
  nonceFill?: NonceFillCapability;
  sweep?: SweepCapability;
  utxo?: UtxoCapability;
  assets?: AssetCapability;
}

/** Whether the adapter serves `asset` (an adapter without the assets capability serves them all). */
export function servesAsset(capabilities: ChainCapabilities, asset: string): boolean {
  return capabilities.assets?.servesAsset(asset) ?? true;
}
