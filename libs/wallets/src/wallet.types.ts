import type { ChainId } from '@strongroom/shared-types';

/**
 * Treasury tier of a wallet. `hot`: KMS keys the withdrawal signer uses automatically under
 * policy; it pays withdrawals and receives deposits. `cold`: its own larger key set whose signing
 * is never automatic (people approve each move). `warm` is reserved (not yet served).
 */
export type WalletTier = 'hot' | 'warm' | 'cold';
export const WALLET_TIERS: readonly WalletTier[] = ['hot', 'warm', 'cold'];
/** The tiers whose keys a service may sign with on its own; every other tier needs people. */
export const AUTO_SIGN_TIERS: readonly WalletTier[] = ['hot'];

/** True when a service may sign for a wallet of this tier without people approving the move. */
export function signsAutomatically(tier: WalletTier): boolean {
  return AUTO_SIGN_TIERS.includes(tier);
}

/**
 * - `active`: serves its owner's slot (chain, client or operator, tier): new deposit addresses
 *   and withdrawals come from it.
 * - `suspended`: keeps the slot but serves nothing; `walletFor` refuses rather than fall back to
 *   the operator pool (a segregated client never lands on pooled funds by accident).
 * - `inactive`: registered but not serving (a ceremony's wallet while another holds the slot, or
 *   a replaced one). Its addresses and funds still count: holdings and the sweeper find it by id.
 */
export type WalletStatus = 'active' | 'suspended' | 'inactive';
export const WALLET_STATUSES: readonly WalletStatus[] = ['active', 'suspended', 'inactive'];
/** The statuses that hold an owner's slot: at most one wallet per slot has one of these. */
export const SLOT_STATUSES: readonly WalletStatus[] = ['active', 'suspended'];

/** One custody wallet: public data only (no key handle ever lives here). */
export interface WalletRecord {
  id: string;
  /** Unique operator-facing name (the key ceremony's label; the id when none was given). */
  label: string;
  /** null = the operator's pooled wallet; otherwise the client whose holdings are segregated. */
  clientId: string | null;
  chain: ChainId;
  tier: WalletTier;
  /** m of the m-of-n. */
  threshold: number;
  /** The n cosigner public keys (compressed SEC1 hex), in ceremony order. */
  publicKeys: string[];
  /** Ethereum: the Safe holding the funds (known once deployed). */
  safeAddress?: string;
  /** Ethereum: the relayer paying gas and submitting Safe transactions. */
  relayerAddress?: string;
  relayerPublicKey?: string;
  status: WalletStatus;
  createdAt: Date;
}

/** What `register` takes: the record without what the directory sets. */
export interface WalletRegistration {
  id: string;
  label?: string;
  clientId: string | null;
  chain: ChainId;
  tier?: WalletTier;
  threshold: number;
  publicKeys: string[];
  safeAddress?: string;
  relayerAddress?: string;
  relayerPublicKey?: string;
  /** Default 'active' (a conflict if another wallet holds the slot). */
  status?: WalletStatus;
}

/** Which wallets `list` returns; every field narrows, none = all. */
export interface WalletScope {
  chain?: ChainId;
  /** The operator's wallets plus these clients' own; absent = every client's. */
  clients?: readonly string[];
  statuses?: readonly WalletStatus[];
  tier?: WalletTier;
}

/**
 * The wallet as chain adapters take it (structurally chains-core's `CustodyWallet`, which this
 * data-access library may not import).
 */
export interface ChainWalletView {
  id: string;
  chain: ChainId;
  threshold: number;
  publicKeys: string[];
  safeAddress?: string;
  relayerAddress?: string;
  relayerPublicKey?: string;
}

export function toChainWalletView(w: WalletRecord): ChainWalletView {
  return {
    id: w.id,
    chain: w.chain,
    threshold: w.threshold,
    publicKeys: [...w.publicKeys],
    ...(w.safeAddress ? { safeAddress: w.safeAddress } : {}),
    ...(w.relayerAddress ? { relayerAddress: w.relayerAddress } : {}),
    ...(w.relayerPublicKey ? { relayerPublicKey: w.relayerPublicKey } : {}),
  };
}
