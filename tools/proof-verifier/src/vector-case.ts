import type { RefusalCode, RefusalSubject } from './refusals';

/**
 * One case of a negative vector file (docs/proof-of-liabilities.md § 11): the inputs a verifier is
 * given and what it must answer. Exactly one of `proof`, `proofText` (exact text) and
 * `proofBase64` (exact bytes) is the proof; `check: "published"` cases check a published document
 * alone and have no proof.
 */
export interface NegativeCase {
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
  expect: ExpectedAnswer;
}

export type ExpectedAnswer =
  | { outcome: 'invalid'; code: RefusalCode; subject: RefusalSubject }
  | { outcome: 'self_consistent' }
  | { outcome: 'valid' };
