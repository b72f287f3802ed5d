import type { ExpectedAnswer, NegativeCase, RefusalCode, RefusalSubject } from '@strongroom/proof-verifier';

/** Helpers for writing the negative vector cases (their shape is the verifier's `NegativeCase`). */
export type VectorCase = NegativeCase;
type Expected = ExpectedAnswer;

export const invalid = (code: RefusalCode, subject: RefusalSubject = 'proof'): Expected => ({
  outcome: 'invalid',
  code,
  subject,
});

export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function edit<T>(value: T, change: (copy: T) => void): T {
  const copy = clone(value);
  change(copy);
  return copy;
}

export function flipFirstByte(h: string): string {
  return (parseInt(h.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0') + h.slice(2);
}

export const MAX_U256 = ((1n << 256n) - 1n).toString();
