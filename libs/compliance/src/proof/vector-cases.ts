import type { RefusalCode, RefusalSubject } from '@strongroom/proof-verifier';

/**
 * One case of a negative vector file: the inputs a verifier is given and what it must answer.
 * Exactly one of `proof`, `proofText` (exact text) and `proofBase64` (exact bytes) is the proof;
 * `check: "published"` cases check a published document alone and have no proof.
 */
export interface VectorCase {
  name: string;
  description: string;
  check?: 'published';
  proof?: unknown;
  proofText?: string;
  proofBase64?: string;
  /** The user id given to the verifier (null: none given). */
  user?: string | null;
  /** The published root given to the verifier, as a person would type it. */
  root?: string;
  published?: unknown;
  publishedText?: string;
  expect: Expected;
}

export type Expected =
  | { outcome: 'invalid'; code: RefusalCode; subject: RefusalSubject }
  | { outcome: 'self_consistent' }
  | { outcome: 'valid' };

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
