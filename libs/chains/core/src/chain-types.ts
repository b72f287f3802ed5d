import type { AssetCode, ChainId } from '@strongroom/shared-types';
import type { AddressRefused } from './chains.errors';

/** A block as seen by a follower: enough to detect reorgs from the parent hash. */
export interface BlockRef {
  height: number;
  hash: string;
  parentHash: string;
  /** Block time, unix seconds. */
  time?: number;
}

/**
 * A value movement touching a watched address. `amount` is signed: positive when value arrives
 * at a watched address (a deposit, or change), negative when a custody output/balance is spent.
 */
export interface ChainTransfer {
  txid: string;
  /** Position inside the transaction: the vout ("3"), the log index ("12") or "native". */
  index: string;
  address: string;
  asset: AssetCode;
  amount: bigint;
  /** Bitcoin: the output script (hex), for the custody UTXO set. */
  script?: string;
}

export interface ChainBlock extends BlockRef {
  transfers: ChainTransfer[];
}

/** A custody wallet as the chain sees it: m-of-n public keys (compressed secp256k1, hex). */
export interface CustodyWallet {
  id: string;
  chain: ChainId;
  threshold: number;
  publicKeys: string[];
  /** Ethereum: the Safe holding the funds and the relayer paying gas. */
  safeAddress?: string;
  relayerAddress?: string;
  /** Ethereum: the relayer's compressed public key (hex), whose KMS key signs the submission. */
  relayerPublicKey?: string;
}

/** One address a follower matches against, with what it belongs to. */
export interface WatchedAddress {
  address: string;
  /** Bitcoin: the scriptPubKey (hex) the follower matches outputs by. */
  script?: string;
  /** Opaque owner reference (the deposit address row id). */
  ref: string;
  /**
   * Bitcoin: the witness script behind `script` (DerivedAddress.derivation). Needed to spend
   * custody outputs paid to it; without it they are reported but not selected for withdrawals.
   */
  derivation?: string;
}

export interface DerivedAddress {
  address: string;
  /** Hex: the scriptPubKey (Bitcoin) or the CREATE2 salt (Ethereum). */
  locator: string;
  /** Bitcoin: the witness script; Ethereum: the init code hash. Enough for an auditor to re-derive. */
  derivation: string;
}

export type AddressCheck = { ok: true; normalized: string } | AddressRefused;

/** An output of an approved withdrawal batch: what the cosigners agreed to pay. */
export interface IntendedOutput {
  /** Withdrawal id, so a mismatch names the withdrawal. */
  ref: string;
  address: string;
  asset: AssetCode;
  amount: bigint;
}

export interface WithdrawalBatch {
  id: string;
  wallet: CustodyWallet;
  outputs: IntendedOutput[];
  /** Chain-specific fee policy inputs (fee rate sat/vB, EIP-1559 caps, …). */
  fee?: Record<string, string>;
}

/** A digest one wallet key must sign (32 bytes, hex). */
export interface DigestRequest {
  publicKey: string;
  digest: string;
  /** Human-readable what-for (input 3, SafeTx hash, relayer tx). */
  purpose: string;
}

/**
 * A transaction built and stored before any key signs it: a withdrawal batch, a sweep, a nonce
 * fill, a CPFP child, a relayer submission or a Safe deployment.
 */
export interface UnsignedChainTx {
  chain: ChainId;
  /** What it belongs to: the withdrawal batch, sweep or nonce fill id (named for the first of them). */
  batchId: string;
  /** Chain-specific serialisation (PSBT base64; Safe transaction JSON). Stored before signing. */
  payload: string;
  digests: DigestRequest[];
  /** The network fee this transaction pays (base units of the chain's native asset). */
  fee: bigint;
}

/** A normalised (low-S) secp256k1 signature over one requested digest. */
export interface DigestSignature {
  publicKey: string;
  digest: string;
  r: string;
  s: string;
  /** Recovery parity (0/1), when known. */
  recovery?: number;
}

/** A signed transaction, ready to broadcast. */
export interface SignedChainTx {
  chain: ChainId;
  /** As UnsignedChainTx.batchId. */
  batchId: string;
  txid: string;
  /** Raw transaction to broadcast (hex). */
  raw: string;
}

/** The block a transaction was mined in, and how deep it is now. */
export interface TxMined {
  height: number;
  blockHash: string;
  confirmations: number;
}

/** An output a mined transaction did not pay: `ref` is the IntendedOutput's ref (the withdrawal id). */
export interface UnpaidOutput {
  ref: string;
  reason: string;
}

/**
 * What became of a sent transaction. Once mined it is `confirmed` (every output paid), `partial`
 * (the outputs in `unpaid` were not paid, the others were: an Ethereum batch in which a token
 * returned false; never on Bitcoin, where a transaction pays all its outputs or none) or `failed`
 * (nothing paid, the network fee paid all the same). All three carry their block, so a caller
 * acts on each at the same depth: a failure a reorg removes can be mined again and succeed.
 * `fee` is what was really paid (optional on `confirmed`: Bitcoin's is fixed when it is built).
 */
export type TxStatus =
  | { state: 'unknown' }
  | { state: 'mempool' }
  | ({ state: 'confirmed'; fee?: bigint } & TxMined)
  | ({ state: 'partial'; fee: bigint; unpaid: UnpaidOutput[] } & TxMined)
  | ({ state: 'failed'; reason: string; fee: bigint } & TxMined);
