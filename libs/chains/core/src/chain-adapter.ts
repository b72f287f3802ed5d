import type {
  BlockRef,
  ChainBlock,
  ChainTransfer,
  CustodyWallet,
  WatchedAddress,
  DerivedAddress,
  AddressCheck,
  WithdrawalBatch,
  UnsignedChainTx,
  DigestSignature,
  SignedChainTx,
  IntendedOutput,
  TxStatus,
} from './chain-types';
import type { ChainId } from '@strongroom/shared-types';
import type { ChainCapabilities } from './capabilities';

/**
 * The port every chain implements (libs/chains/core/README.md). Implementations are plain classes
 * with no NestJS or TypeORM; they register under CHAIN_ADAPTERS.
 */
export interface ChainAdapter {
  readonly chain: ChainId;
  readonly network: string;
  /** What it can do beyond this port (relay, nonce fills, sweeps, UTXO handling, asset serving); `{}` for none. */
  readonly capabilities: ChainCapabilities;
  tip(): Promise<BlockRef>;
  /** The block at `height` with every transfer touching a watched address. */
  block(height: number): Promise<ChainBlock>;
  /** Unconfirmed transfers to watched addresses currently in the mempool. */
  mempool(): Promise<ChainTransfer[]>;
  /** Adds addresses to the set the follower matches against. */
  watch(addresses: WatchedAddress[]): void;
  deriveDepositAddress(wallet: CustodyWallet, tag: string): DerivedAddress;
  validateAddress(address: string): AddressCheck;
  buildWithdrawal(batch: WithdrawalBatch): Promise<UnsignedChainTx>;
  /**
   * Decodes the payload itself (never trusting side fields) and throws IntentMismatchError unless
   * it pays exactly the batch's outputs (plus change back to custody). Called before any KMS call.
   */
  checkIntent(unsigned: UnsignedChainTx, batch: WithdrawalBatch): void;
  finalize(unsigned: UnsignedChainTx, signatures: DigestSignature[]): Promise<SignedChainTx>;
  /** Broadcasts; a node answering "already known" counts as success. */
  broadcast(signed: SignedChainTx): Promise<{ txid: string; alreadyKnown: boolean }>;
  /**
   * Where the transaction is. `outputs` are the batch's approved outputs in the order it was built
   * from; `unpaid` names them by ref (without them, by position: "0", "1", …). Throws when a mined
   * transaction cannot be judged: nothing may be settled or refunded on a guess.
   */
  status(txid: string, outputs?: readonly IntendedOutput[]): Promise<TxStatus>;
}

/** Injection token under which each chain registers its adapter. */
export const CHAIN_ADAPTERS = Symbol('CHAIN_ADAPTERS');
