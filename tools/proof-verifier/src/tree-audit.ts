import { readPublished, type ParsedPublished } from './documents';
import {
  AMOUNT_LIMIT,
  amountMap,
  bytesToHex,
  concat,
  leafMessage,
  paddingMessage,
  rootMessage,
  writeU256,
} from './encoding';
import { asArray, asInteger, asObject, field, onlyKeys, readAmounts, readHash } from './fields';
import { AMOUNT_BYTES, HASH_BYTES, TAG, type AmountMap, type FormatVersion } from './format';
import { sha256 } from './hash';
import { checkAgainstPublished } from './audit-published';
import { AuditRefusal, type AuditCode } from './audit-refusals';
import { Refusal } from './refusals';
import { solvencyOf, type Solvency } from './solvency';
import { parseStrictJson, quote, type JsonObject, type JsonValue } from './strict-json';
import { EXPORT_FORMAT, EXPORT_VERSION, MAX_EXPORT_BYTES } from './tree-export';
import { checkPublishedBinding, contextHash, parseRootText, readDocument, type DocumentInput } from './verify';

export interface AuditOptions {
  /** The root document as published elsewhere (GET /v1/snapshots/:id/liabilities), read strictly. */
  published?: DocumentInput;
  /** The root as published elsewhere (64 hex digits). Without it or `published` the export is only self-consistent. */
  expectedRoot?: string;
  /** The reconciliation of the snapshot (GET /v1/reconciliations/:id): its on-chain holdings per asset. */
  holdings?: DocumentInput;
}

/** Which input a refusal is about: `at` is the JSON path within it. */
export type AuditSubject = 'export' | 'published' | 'root' | 'holdings';

export interface AuditFacts {
  version: FormatVersion;
  snapshotId: string;
  snapshotTime: string | null;
  assets: string[];
  depth: number;
  leafCount: number;
  totals: AmountMap;
  root: string;
  /** What the rebuilt root was compared with (empty: nothing from elsewhere). */
  checkedAgainst: ('published document' | 'root')[];
  solvency?: Solvency;
}

export type AuditResult =
  | (AuditFacts & { outcome: 'valid'; valid: true })
  | (AuditFacts & { outcome: 'self_consistent'; valid: false })
  | { outcome: 'invalid'; valid: false; code: AuditCode; subject: AuditSubject; at: string; reason: string };

interface Node {
  /** hash ‖ u256(sums), the bytes a parent's message holds for this child. */
  rec: Uint8Array;
  sums: bigint[];
}

/**
 * Audits a complete tree export in the order of docs § 14.3: reads it strictly, checks the
 * published document binds its own fields, every leaf is well-formed and non-negative, no
 * commitment appears twice, the leaf count fits the depth, then rebuilds every level (padding
 * included) and compares the top hash, the totals and the root with the published ones; then the
 * root document and the root given from elsewhere; with `holdings`, states solvency per asset.
 * Without a document or root from elsewhere the answer is `self_consistent`, never `valid`.
 */
export function auditTree(input: Uint8Array | string, options: AuditOptions = {}): AuditResult {
  let subject: AuditSubject = 'export';
  try {
    const doc = asObject(parseStrictJson(input, MAX_EXPORT_BYTES), '$');
    const published = readHeader(doc);
    const leaves = readLeaves(field(doc, 'leaves', '$'), published.assets);
    checkCount(leaves.length, published.depth);
    const top = rebuild(published, leaves);
    const root = compare(published, top);
    const checkedAgainst: AuditFacts['checkedAgainst'] = [];
    if (options.published !== undefined) {
      subject = 'published';
      checkAgainstPublished(options.published, published, root, top.sums);
      checkedAgainst.push('published document');
    }
    if (options.expectedRoot !== undefined) {
      subject = 'root';
      if (parseRootText(options.expectedRoot) !== root)
        throw new Refusal('expected_root_mismatch', 'root', `the export's root is ${root}, not the root given`);
      checkedAgainst.push('root');
    }
    const facts: AuditFacts = {
      version: published.version,
      snapshotId: published.snapshotId,
      snapshotTime: published.snapshotTime ?? null,
      assets: published.assets,
      depth: published.depth,
      leafCount: leaves.length,
      totals: amountMap(published.assets, top.sums),
      root,
      checkedAgainst,
    };
    subject = 'holdings';
    if (options.holdings !== undefined)
      facts.solvency = solvencyOf(readDocument(options.holdings), published.snapshotId, published.assets, top.sums);
    return checkedAgainst.length === 0
      ? { ...facts, outcome: 'self_consistent', valid: false }
      : { ...facts, outcome: 'valid', valid: true };
  } catch (err) {
    if (err instanceof Refusal || err instanceof AuditRefusal)
      return { outcome: 'invalid', valid: false, code: err.code, subject, at: err.at, reason: err.message };
    throw err;
  }
}

function readHeader(doc: JsonObject): ParsedPublished {
  if (doc.get('format') !== EXPORT_FORMAT)
    throw new AuditRefusal('export_format', '$.format', `expected "${EXPORT_FORMAT}"`);
  const version = asInteger(field(doc, 'exportVersion', '$'), '$.exportVersion');
  if (version !== BigInt(EXPORT_VERSION))
    throw new AuditRefusal('export_format', '$.exportVersion', `export version ${version} is not supported`);
  onlyKeys(doc, ['format', 'exportVersion', 'published', 'leaves'], '$');
  const published = readPublished(field(doc, 'published', '$'));
  checkPublishedBinding(published);
  return published;
}

const NEGATIVE = /^-[0-9]/;

function readLeaves(v: JsonValue, assets: string[]): { commitment: Uint8Array; balances: bigint[] }[] {
  const seen = new Set<string>();
  return asArray(v, '$.leaves').map((item, i) => {
    const at = `$.leaves[${i}]`;
    const leaf = asObject(item, at);
    onlyKeys(leaf, ['commitment', 'balances'], at);
    const commitment = readHash(field(leaf, 'commitment', at), `${at}.commitment`);
    const map = asObject(field(leaf, 'balances', at), `${at}.balances`);
    for (const [asset, amount] of map)
      if (typeof amount === 'string' && NEGATIVE.test(amount))
        throw new AuditRefusal('leaf_negative', `${at}.balances.${asset}`, `${asset} balance ${quote(amount)}`);
    const balances = readAmounts(map, assets, `${at}.balances`);
    const key = bytesToHex(commitment);
    if (seen.has(key))
      throw new AuditRefusal('duplicate_commitment', `${at}.commitment`, `commitment ${key} appears twice`);
    seen.add(key);
    return { commitment, balances };
  });
}

/** d = ⌈log2 n⌉ (0 for one leaf or none): the tree is the n leaves padded up to 2^d. */
function checkCount(n: number, depth: number): void {
  let d = 0;
  while (2 ** d < n) d++;
  if (d !== depth)
    throw new AuditRefusal('leaf_count', '$.leaves', `${n} leaves make a tree of depth ${d}, not ${depth}`);
}

function parent(version: FormatVersion, left: Node, right: Node, level: number, assets: string[]): Node {
  const sums = left.sums.map((s, k) => s + right.sums[k]);
  const over = sums.findIndex((s) => s >= AMOUNT_LIMIT);
  if (over >= 0)
    throw new Refusal('sum_overflow', '$.leaves', `the ${assets[over]} sum at level ${level} exceeds 2^256-1`);
  return record(sha256(concat([[TAG.node, version], left.rec, right.rec])), sums);
}

function record(hash: Uint8Array, sums: bigint[]): Node {
  const rec = new Uint8Array(HASH_BYTES + AMOUNT_BYTES * sums.length);
  rec.set(hash, 0);
  sums.forEach((s, k) => writeU256(s, rec, HASH_BYTES + AMOUNT_BYTES * k));
  return { rec, sums };
}

/** Every level from the leaves up; an odd level gets the all-padding subtree of its height. */
function rebuild(p: ParsedPublished, leaves: { commitment: Uint8Array; balances: bigint[] }[]): Node {
  const context = contextHash(p);
  const zero = p.assets.map(() => 0n);
  let pad = record(sha256(paddingMessage(p.version, context)), zero);
  let level: Node[] = leaves.map((l) => {
    const message = leafMessage(p.version, l.commitment, l.balances);
    return { rec: concat([sha256(message), message.subarray(2 + HASH_BYTES)]), sums: l.balances };
  });
  if (level.length === 0) return pad;
  for (let height = 1; height <= p.depth; height++) {
    if (level.length % 2 === 1) level.push(pad);
    const next: Node[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(parent(p.version, level[i], level[i + 1], height, p.assets));
    level = next;
    pad = parent(p.version, pad, pad, height, p.assets);
  }
  return level[0];
}

/** The top (v2) or root (v1) first, so a changed leaf and a changed total refuse differently. */
function compare(p: ParsedPublished, top: Node): string {
  const topHash = top.rec.subarray(0, HASH_BYTES);
  const root = bytesToHex(sha256(rootMessage(p.version, contextHash(p), p.depth, topHash, top.sums)));
  const treeDiffers =
    p.topHash !== undefined ? bytesToHex(p.topHash) !== bytesToHex(topHash) : root !== bytesToHex(p.root);
  if (treeDiffers)
    throw new AuditRefusal(
      'tree_mismatch',
      p.topHash !== undefined ? '$.published.topHash' : '$.published.root',
      'the leaves do not lead to the published tree: a leaf was dropped, added, altered or moved',
    );
  const wrong = p.totals.findIndex((t, k) => t !== top.sums[k]);
  if (wrong >= 0)
    throw new AuditRefusal(
      'totals_mismatch',
      `$.published.totals.${p.assets[wrong]}`,
      `published ${p.assets[wrong]} total ${p.totals[wrong]}, but the leaves add up to ${top.sums[wrong]}`,
    );
  if (root !== bytesToHex(p.root))
    throw new AuditRefusal('tree_mismatch', '$.published.root', `the leaves lead to root ${root}`);
  return root;
}
