import { createHash } from 'node:crypto';
import type { TransferInput } from './ledger.types';

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/**
 * The hash that decides replay versus conflict for a reused transfer id. Defaults are spelled
 * out (no flags = [], no timeout = 0) so that omitting a field and sending its default are the
 * same request; flag order does not matter.
 */
export function transferBodyHash(t: TransferInput): string {
  // A fixed-order array for the fixed fields (cheap: this runs for every transfer) and the
  // key-sorted JSON of the free-form metadata.
  const fields = [
    t.id,
    t.debitAccountId ?? '',
    t.creditAccountId ?? '',
    t.amount === undefined ? null : t.amount.toString(),
    t.flags && t.flags.length > 0 ? [...new Set(t.flags)].sort() : [],
    t.pendingId ?? null,
    t.timeoutSeconds ?? 0,
    t.code ?? null,
  ];
  const metadata = t.metadata && Object.keys(t.metadata).length > 0 ? canonicalJson(t.metadata) : '{}';
  return createHash('sha256')
    .update(`${JSON.stringify(fields)}\n${metadata}`)
    .digest('hex');
}
