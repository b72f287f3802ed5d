import type { AssetCode } from '@strongroom/shared-types';

/** The fields of a Safe transaction that its EIP-712 SafeTx hash covers. Amounts are decimal strings in JSON. */
export interface SafeTx {
  to: string;
  value: bigint;
  data: string;
  operation: number;
  safeTxGas: bigint;
  baseGas: bigint;
  gasPrice: bigint;
  gasToken: string;
  refundReceiver: string;
  nonce: bigint;
}

/** One call inside a MultiSendCallOnly batch. */
export interface MultiSendCall {
  operation: number;
  to: string;
  value: bigint;
  data: string;
}

/** An ERC-20 this deployment serves on this chain. */
export interface EthereumToken {
  asset: AssetCode;
  address: string;
}

/** EIP-1559 fee caps and the relayer nonce, chosen (and the nonce reserved) by the caller. */
export interface RelayerTxParams {
  nonce: number;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  gasLimit: bigint;
}

/** A minimal view of a block's transactions and logs, as the matcher needs them. */
export interface BlockTx {
  hash: string;
  to: string | null;
  value: bigint;
}
export interface BlockLog {
  transactionHash: string;
  logIndex: number;
  address: string;
  topics: readonly string[];
  data: string;
}

/**
 * What `UnsignedChainTx.payload` holds (JSON, bigints as decimal strings). Two rounds:
 * `safe-tx` carries the Safe transaction the owners sign (EIP-712 SafeTx hash); `relay` carries
 * the relayer's unsigned EIP-1559 transaction (execTransaction with the owners' signatures, a
 * sweep, or a Safe deployment) whose hash the relayer key signs.
 */
export type EthereumPayload =
  | {
      kind: 'safe-tx';
      chainId: bigint;
      safe: string;
      safeTx: SafeTx;
      safeTxHash: string;
      owners: string[];
      threshold: number;
    }
  | {
      kind: 'relay';
      purpose: 'exec' | 'sweep' | 'deploy-safe' | 'cancel';
      chainId: bigint;
      relayer: string;
      relayerPublicKey: string;
      /** The unsigned EIP-1559 transaction, serialised: the only source of truth for to/data/nonce/fees. */
      unsignedTx: string;
      /** exec only: the Safe nonce the owners signed over, and the signer set it was checked against. */
      safe?: string;
      safeNonce?: bigint;
      owners?: string[];
      threshold?: number;
    };
