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
  const body = {
    id: t.id,
    debitAccountId: t.debitAccountId ?? '',
    creditAccountId: t.creditAccountId ?? '',
    amount: t.amount === undefined ? null : t.amount.toString(),
    flags: [...new Set(t.flags ?? [])].sort(),
    pendingId: t.pendingId ?? null,
    timeoutSeconds: t.timeoutSeconds ?? 0,
    code: t.code ?? null,
    metadata: t.metadata ?? {},
  };
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}
