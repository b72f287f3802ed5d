import { DomainError } from '@strongroom/shared-types';
import type { IntendedOutput } from './chain-types';
import { ChainErrors } from './chains.errors';

/** The decoded transaction does not pay what the cosigners approved: nothing may be signed. */
export class IntentMismatchError extends DomainError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super(ChainErrors['withdrawal.intent_mismatch'], detail, extra);
  }
}

/**
 * Compares the outputs decoded from a transaction with the approved ones, as multisets of
 * (address, asset, amount): an extra, a missing or an altered output throws.
 */
export function checkOutputsMatch(decoded: Omit<IntendedOutput, 'ref'>[], approved: IntendedOutput[]): void {
  const key = (o: Omit<IntendedOutput, 'ref'>) => `${o.asset}|${o.address.toLowerCase()}|${o.amount}`;
  const want = new Map<string, IntendedOutput[]>();
  for (const o of approved) want.set(key(o), [...(want.get(key(o)) ?? []), o]);
  for (const o of decoded) {
    const list = want.get(key(o));
    if (!list || list.length === 0) {
      throw new IntentMismatchError(
        `the transaction pays ${o.amount} ${o.asset} to ${o.address}, which no approved withdrawal asks for`,
        {
          address: o.address,
          amount: o.amount.toString(),
        },
      );
    }
    list.pop();
    if (list.length === 0) want.delete(key(o));
  }
  const missing = [...want.values()].flat();
  if (missing.length > 0) {
    throw new IntentMismatchError(`the transaction does not pay approved withdrawal ${missing[0].ref}`, {
      missing: missing.map((m) => m.ref),
    });
  }
}
