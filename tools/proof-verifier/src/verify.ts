import { readProof, readPublished, type ParsedProof, type ParsedPublished, type Snapshot } from './documents';
import {
  AMOUNT_LIMIT,
  amountMap,
  bytesToHex,
  commitmentMessage,
  contextMessage,
  leafMessage,
  nodeMessage,
  rootMessage,
} from './encoding';
import type { AmountMap, FormatVersion } from './format';
import { sha256 } from './hash';
import { checkIdentifier } from './identifiers';
import { Refusal, REFUSALS, within, type RefusalCode, type RefusalSubject } from './refusals';
import { parseStrictJson, quote, type JsonValue } from './strict-json';

/** A document as bytes (checked as UTF-8), as text, or already parsed (re-read strictly). */
export type DocumentInput = Uint8Array | string | object;

export interface VerifyOptions {
  /** The user id to check the proof for, as the user knows it: never taken from the proof. */
  userId: string;
  /** The root the operator published (64 hex digits, `0x` and surrounding space allowed). */
  expectedRoot?: string;
  /** The published root document (its fields are compared with the proof's). */
  published?: DocumentInput;
}

/** What a proof says once checked: every value here is bound by the root. */
export interface ProofFacts {
  version: FormatVersion;
  snapshotId: string;
  /** null in format 1, which has no snapshot time. */
  snapshotTime: string | null;
  assets: string[];
  userId: string;
  balances: AmountMap;
  totals: AmountMap;
  root: string;
  depth: number;
}

/** The proof leads to a root the user trusts: `expectedRoot`, `published`, or both. */
export interface VerifyOk extends ProofFacts {
  outcome: 'valid';
  valid: true;
  checkedAgainst: ('root' | 'published')[];
  /** Statements in the published document that this verifier does not check. */
  uncheckedAttestations: string[];
}

/** Nothing trusted was given: the proof agrees with itself, which an operator can always arrange. */
export interface SelfConsistent extends ProofFacts {
  outcome: 'self_consistent';
  valid: false;
}

export interface VerifyError {
  outcome: 'invalid';
  valid: false;
  code: RefusalCode;
  /** Which input is refused; `at` is the JSON path within it. */
  subject: RefusalSubject;
  at: string;
  reason: string;
}

export type VerifyResult = VerifyOk | SelfConsistent | VerifyError;

/** Reads a document strictly (docs § JSON rules). */
export function readDocument(input: DocumentInput): JsonValue {
  if (typeof input === 'string' || input instanceof Uint8Array) return parseStrictJson(input);
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (err) {
    throw new Refusal('json_syntax', '$', `not serialisable as JSON: ${(err as Error).message}`);
  }
  if (text === undefined) throw new Refusal('json_syntax', '$', 'not a JSON value');
  return parseStrictJson(text);
}

export function contextHash(s: Snapshot): Uint8Array {
  return sha256(contextMessage(s));
}

export function refused(err: Refusal): VerifyError {
  return { outcome: 'invalid', valid: false, code: err.code, subject: err.subject, at: err.at, reason: err.message };
}

/**
 * Verifies one inclusion proof for the user named by the caller, in the order of docs
 * § verification: read the proof; check the user; fold the path (recomputing every parent from
 * both children's hashes and sums, each sum below 2^256); the root and totals the proof claims;
 * then the published document and the published root. Without either, the answer is
 * `self_consistent`, never `valid`.
 */
export function verifyProof(input: DocumentInput, given: VerifyOptions): VerifyResult {
  // Plain JavaScript callers may pass nothing: that is user_required, not a TypeError.
  const options: Partial<VerifyOptions> = given ?? {};
  try {
    const proof = within('proof', () => readProof(readDocument(input)));
    within('user', () => checkUser(proof, options.userId));
    const { root, sums } = fold(proof);
    within('proof', () => checkClaims(proof, root, sums));
    const checkedAgainst: VerifyOk['checkedAgainst'] = [];
    let attestations: string[] = [];
    if (options.published !== undefined) {
      const doc = within('published', () => readPublished(readDocument(options.published as DocumentInput)));
      within('published', () => checkPublished(doc, proof, root, sums));
      attestations = doc.attestations.map((a) => a.type);
      checkedAgainst.push('published');
    }
    if (options.expectedRoot !== undefined) {
      within('root', () => checkExpectedRoot(options.expectedRoot as string, root));
      checkedAgainst.push('root');
    }
    const facts: ProofFacts = {
      version: proof.version,
      snapshotId: proof.snapshotId,
      snapshotTime: proof.snapshotTime ?? null,
      assets: proof.assets,
      userId: proof.userId,
      balances: amountMap(proof.assets, proof.balances),
      totals: amountMap(proof.assets, sums),
      root: bytesToHex(root),
      depth: proof.path.length,
    };
    if (checkedAgainst.length === 0) return { ...facts, outcome: 'self_consistent', valid: false };
    return { ...facts, outcome: 'valid', valid: true, checkedAgainst, uncheckedAttestations: attestations };
  } catch (err) {
    if (err instanceof Refusal) return refused(err);
    throw err;
  }
}

function checkUser(proof: ParsedProof, userId: unknown): void {
  if (userId === undefined || userId === null || userId === '')
    throw new Refusal('user_required', 'user', REFUSALS.user_required);
  try {
    checkIdentifier(userId, 'user', proof.version);
  } catch (err) {
    if (err instanceof Refusal)
      throw new Refusal('user_invalid', 'user', `the user id given ${err.message.replace(/^user: /, '')}`);
    throw err;
  }
  if (userId !== proof.userId)
    throw new Refusal(
      'user_mismatch',
      '$.userId',
      `the proof is for ${quote(proof.userId)}, not for ${quote(userId as string)}`,
    );
}

/** Steps 3-4: from the leaf (committed to the checked user id) up the path to the root. */
function fold(proof: ParsedProof): { root: Uint8Array; sums: bigint[] } {
  const v = proof.version;
  const context = contextHash(proof);
  let hash = sha256(leafMessage(v, sha256(commitmentMessage(v, context, proof.nonce, proof.userId)), proof.balances));
  let sums = proof.balances;
  proof.path.forEach((sibling, level) => {
    const isRight = Math.floor(proof.leafIndex / 2 ** level) % 2 === 1;
    hash = isRight
      ? sha256(nodeMessage(v, sibling.hash, sibling.sums, hash, sums))
      : sha256(nodeMessage(v, hash, sums, sibling.hash, sibling.sums));
    const parent = sums.map((s, i) => s + sibling.sums[i]);
    const over = parent.findIndex((s) => s >= AMOUNT_LIMIT);
    if (over >= 0)
      throw new Refusal(
        'sum_overflow',
        `$.path[${level}].sums.${proof.assets[over]}`,
        `the ${proof.assets[over]} sum at level ${level + 1} exceeds 2^256-1`,
      );
    sums = parent;
  });
  return { root: sha256(rootMessage(v, context, proof.path.length, hash, sums)), sums };
}

function checkClaims(proof: ParsedProof, root: Uint8Array, sums: bigint[]): void {
  if (bytesToHex(root) !== bytesToHex(proof.root))
    throw new Refusal(
      'root_mismatch',
      '$.root',
      `the recomputed root ${bytesToHex(root)} differs from the proof's root ${bytesToHex(proof.root)}: the balances, ` +
        'user id, nonce, snapshot, asset list, leaf index or a sibling (hash or sums) was altered or is missing',
    );
  const wrong = proof.totals.findIndex((t, i) => t !== sums[i]);
  if (wrong >= 0)
    throw new Refusal(
      'totals_mismatch',
      `$.totals.${proof.assets[wrong]}`,
      `the proof claims ${proof.assets[wrong]} total ${proof.totals[wrong]} but its path sums to ${sums[wrong]}`,
    );
}

/** Step 5: the document binds its own numbers (v2), is about this proof's snapshot, root and totals. */
function checkPublished(doc: ParsedPublished, proof: ParsedProof, root: Uint8Array, sums: bigint[]): void {
  checkPublishedBinding(doc);
  const same: [string, unknown, unknown][] = [
    ['version', doc.version, proof.version],
    ['snapshotId', doc.snapshotId, proof.snapshotId],
    ['snapshotTime', doc.snapshotTime, proof.snapshotTime],
    ['assets', doc.assets.join(','), proof.assets.join(',')],
    ['depth', doc.depth, proof.path.length],
  ];
  for (const [name, published, proven] of same)
    if (published !== proven)
      throw new Refusal('published_mismatch', `$.${name}`, `the published document's ${name} differs from the proof's`);
  if (bytesToHex(doc.root) !== bytesToHex(root))
    throw new Refusal(
      'expected_root_mismatch',
      '$.root',
      `the proof leads to root ${bytesToHex(root)}, not to the published ${bytesToHex(doc.root)}`,
    );
  const wrong = doc.totals.findIndex((t, i) => t !== sums[i]);
  if (wrong >= 0)
    throw new Refusal(
      'published_totals_mismatch',
      `$.totals.${doc.assets[wrong]}`,
      `published ${doc.assets[wrong]} total ${doc.totals[wrong]}, but the proof's path sums to ${sums[wrong]}`,
    );
}

/** Version 2: the document's root must be the root hash of its own fields (anyone can recompute it). */
export function checkPublishedBinding(doc: ParsedPublished): void {
  if (doc.topHash === undefined) return;
  const recomputed = sha256(rootMessage(doc.version, contextHash(doc), doc.depth, doc.topHash, doc.totals));
  if (bytesToHex(recomputed) !== bytesToHex(doc.root))
    throw new Refusal(
      'published_inconsistent',
      '$.root',
      `the root of these fields is ${bytesToHex(recomputed)}, not the ${bytesToHex(doc.root)} the document states: ` +
        'its totals, top hash, depth, snapshot or asset list were changed',
    );
}

/** The root's text form from a person: 64 hex digits, either case, `0x` prefix and surrounding space allowed. */
export function parseRootText(text: string): string {
  const t = typeof text === 'string' ? text.trim().replace(/^0x/i, '') : '';
  if (!/^[0-9a-fA-F]{64}$/.test(t))
    throw new Refusal('root_input_invalid', 'root', 'expected the root as 64 hex digits');
  return t.toLowerCase();
}

function checkExpectedRoot(text: string, root: Uint8Array): void {
  const expected = parseRootText(text);
  if (expected !== bytesToHex(root))
    throw new Refusal(
      'expected_root_mismatch',
      'root',
      `the proof leads to root ${bytesToHex(root)}, not to the published root ${expected}`,
    );
}
