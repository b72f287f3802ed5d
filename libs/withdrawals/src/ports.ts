import type { ChainId } from '@strongroom/shared-types';
import type { Tx } from '@strongroom/persistence';
import type { CustodyWallet, DigestSignature } from '@strongroom/chains-core';
import type { AccountKind, LedgerApi, TransferFlag, TransferInput, TransferResult } from '@strongroom/ledger';

/*
 * The ports this context needs from others. Each mirrors (a subset of) the owning library's
 * published contract, so the real services satisfy them structurally and tests can wire the real
 * ones; nothing here reaches into another context's tables.
 */

/** The ledger's own contract types (libs/ledger/src/ledger.types.ts), under the names this context uses. */
export type LedgerAccountKind = AccountKind;
export type LedgerTransferFlag = TransferFlag;
export type LedgerTransferInput = TransferInput;
export type LedgerTransferResult = TransferResult;

/** The subset of the ledger's `LedgerApi` used here: derived, so it cannot drift from the ledger. */
export type WithdrawalLedger = Pick<LedgerApi, 'openAccount' | 'findAccount' | 'createTransfers'>;
export const WITHDRAWAL_LEDGER = Symbol('WITHDRAWAL_LEDGER');

/** An audit record as `@strongroom/audit`'s `AuditLog.append(tx, …)` takes it. */
export interface AuditRecord {
  actor: { id: string; role: string };
  action: string;
  subject: { type: string; id: string };
  payload?: unknown;
}

/**
 * `@strongroom/audit`: one append-only, hash-chained record per state transition, in the same
 * transaction (linked into the chain after commit by the audit chainer).
 */
export interface AuditPort {
  append(tx: Tx, record: AuditRecord): Promise<unknown>;
}
export const WITHDRAWAL_AUDIT = Symbol('WITHDRAWAL_AUDIT');

/** `@strongroom/events`: the transactional outbox the webhook dispatcher delivers from. */
export interface OutboxPort {
  enqueue(tx: Tx, event: { type: string; subject: string; payload: Record<string, unknown> }): Promise<unknown>;
}
export const WITHDRAWAL_OUTBOX = Symbol('WITHDRAWAL_OUTBOX');

/**
 * Signs one 32-byte digest with the wallet key whose compressed public key is given. Implemented
 * by apps/withdrawal-signer over KMS; this library may not import the keys library (only signer apps hold keys; ARCHITECTURE.md, module boundaries).
 * Returns a low-S signature; callers never pass a digest that has not passed the intent check.
 */
export interface DigestSigner {
  sign(walletId: string, publicKey: string, digest: string): Promise<DigestSignature>;
}
export const DIGEST_SIGNER = Symbol('DIGEST_SIGNER');

/** Where withdrawals of a chain are paid from (from the key ceremony's registry). */
export interface WalletDirectory {
  /** The custody wallet paying withdrawals of `chain` for `clientId` (segregated or the operator's). */
  walletFor(chain: ChainId, clientId: string): Promise<CustodyWallet & { relayerPublicKey?: string }>;
  /** A wallet by its id (the deposit sweeper: deposit addresses name the wallet they belong to). */
  walletById?(chain: ChainId, walletId: string): Promise<(CustodyWallet & { relayerPublicKey?: string }) | null>;
}
export const WALLET_DIRECTORY = Symbol('WALLET_DIRECTORY');

/** A deposit address that received a deposit, as the sweeper learns of it. */
export interface SweepFeedItem {
  /** Position in the feed (the deposit's sequence): strictly increasing, resumable. */
  position: bigint;
  address: string;
  /** The tag the address was derived from (its CREATE2 salt is derived from it). */
  tag: string;
  walletId: string;
}

/**
 * `@strongroom/deposits`: deposit addresses in the order deposits to them were recorded. The
 * sweeper only needs to look at addresses that received something; the balance it sweeps is
 * read from the chain, never taken from this feed.
 */
export interface SweepSource {
  depositsAfter(chain: ChainId, position: bigint, limit: number): Promise<SweepFeedItem[]>;
}
export const SWEEP_SOURCE = Symbol('SWEEP_SOURCE');

/** Time source; tests move it forward to age batches, expire leases and roll velocity windows. */
export interface Clock {
  now(): Date;
}
export const WITHDRAWAL_CLOCK = Symbol('WITHDRAWAL_CLOCK');
export const systemClock: Clock = { now: () => new Date() };
