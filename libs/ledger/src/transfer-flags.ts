import type { TransferFlag } from './ledger.types';

/** Transfer flags as a bit set in the database (an int column unnests cleanly, text[][] does not). */
export const FLAG_BITS: Record<TransferFlag, number> = {
  pending: 1,
  post_pending: 2,
  void_pending: 4,
  linked: 8,
  balancing_debit: 16,
  balancing_credit: 32,
};

const ORDER = Object.keys(FLAG_BITS) as TransferFlag[];

export function isTransferFlag(f: unknown): f is TransferFlag {
  return typeof f === 'string' && Object.prototype.hasOwnProperty.call(FLAG_BITS, f);
}

export function encodeFlags(flags: readonly TransferFlag[]): number {
  return flags.reduce((bits, f) => bits | FLAG_BITS[f], 0);
}

export function decodeFlags(bits: number): TransferFlag[] {
  return ORDER.filter((f) => (bits & FLAG_BITS[f]) !== 0);
}
