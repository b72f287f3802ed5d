import { readPublished } from './documents';
import { amountMap, bytesToHex } from './encoding';
import type { AmountMap } from './format';
import { Refusal, within } from './refusals';
import {
  checkPublishedBinding,
  parseRootText,
  readDocument,
  refused,
  type DocumentInput,
  type VerifyError,
} from './verify';

export interface PublishedFacts {
  version: 2;
  snapshotId: string;
  snapshotTime: string;
  assets: string[];
  depth: number;
  topHash: string;
  totals: AmountMap;
  root: string;
  /** Statements in the document that this verifier does not check. */
  uncheckedAttestations: string[];
}

export type PublishedResult =
  | (PublishedFacts & { outcome: 'valid'; valid: true })
  | (PublishedFacts & { outcome: 'self_consistent'; valid: false })
  | VerifyError;

/**
 * Checks a published root document on its own (format 2): its root is the root hash of its own
 * snapshot id, time, assets, depth, top hash and totals, so the totals it shows are the ones the
 * root commits to. Given the root from a trusted channel, `valid`; else only `self_consistent`.
 */
export function verifyPublished(input: DocumentInput, options: { expectedRoot?: string } = {}): PublishedResult {
  try {
    const doc = within('published', () => {
      const d = readPublished(readDocument(input));
      if (d.topHash === undefined || d.snapshotTime === undefined)
        throw new Refusal(
          'unsupported_version',
          '$.version',
          'a format 1 root document has no top hash: check it with a proof',
        );
      checkPublishedBinding(d);
      return { ...d, topHash: d.topHash, snapshotTime: d.snapshotTime };
    });
    const facts: PublishedFacts = {
      version: 2,
      snapshotId: doc.snapshotId,
      snapshotTime: doc.snapshotTime,
      assets: doc.assets,
      depth: doc.depth,
      topHash: bytesToHex(doc.topHash),
      totals: amountMap(doc.assets, doc.totals),
      root: bytesToHex(doc.root),
      uncheckedAttestations: doc.attestations.map((a) => a.type),
    };
    if (options.expectedRoot === undefined) return { ...facts, outcome: 'self_consistent', valid: false };
    within('root', () => {
      const expected = parseRootText(options.expectedRoot as string);
      if (expected !== facts.root)
        throw new Refusal(
          'expected_root_mismatch',
          'root',
          `the document's root is ${facts.root}, not the published ${expected}`,
        );
    });
    return { ...facts, outcome: 'valid', valid: true };
  } catch (err) {
    if (err instanceof Refusal) return refused(err);
    throw err;
  }
}
