import {
  AMOUNT_LIMIT,
  FormatError,
  amountMap,
  amountsInOrder,
  bytesToHex,
  checkAssets,
  commitmentMessage,
  contextMessage,
  idBytes,
  leafMessage,
  nodeMessage,
  parseHash,
  rootMessage,
} from './encoding';
import { FORMAT, MAX_DEPTH, VERSION, type AmountMap } from './format';
import { sha256 } from './hash';

export type VerifyFailure =
  'malformed' | 'unsupported_version' | 'sum_overflow' | 'root_mismatch' | 'totals_mismatch' | 'expected_root_mismatch';

export interface VerifyOk {
  valid: true;
  snapshotId: string;
  assets: string[];
  userId: string;
  balances: AmountMap;
  totals: AmountMap;
  root: string;
  depth: number;
  /** False when no independently published root was given: the proof is then only self-consistent. */
  rootChecked: boolean;
}

export interface VerifyError {
  valid: false;
  code: VerifyFailure;
  reason: string;
}

export type VerifyResult = VerifyOk | VerifyError;

export interface VerifyOptions {
  /** The root published by the operator (hex); the proof must lead to exactly this root. */
  expectedRoot?: string;
}

const fail = (code: VerifyFailure, reason: string): VerifyError => ({ valid: false, code, reason });

/**
 * Verifies one inclusion proof (parsed JSON or its text). It recomputes the leaf from the user's
 * id, nonce and balances, then every parent from the two children's hashes AND sums (so a sibling
 * sum cannot be forged without changing the root), adds the sums itself (each must stay below
 * 2^256), and finally recomputes the root over the context, depth, top hash and totals.
 */
export function verifyProof(input: unknown, options: VerifyOptions = {}): VerifyResult {
  let proof: unknown = input;
  if (typeof input === 'string') {
    try {
      proof = JSON.parse(input);
    } catch (err) {
      return fail('malformed', `not JSON: ${(err as Error).message}`);
    }
  }
  try {
    return verifyParsed(proof, options);
  } catch (err) {
    if (err instanceof FormatError) return fail('malformed', err.message);
    throw err;
  }
}

// Long because it is the verification procedure of docs/proof-of-liabilities.md in its order (field
// checks, the path fold, root, totals): an auditor reads it against that text step by step.
function verifyParsed(proof: unknown, options: VerifyOptions): VerifyResult {
  if (typeof proof !== 'object' || proof === null || Array.isArray(proof))
    return fail('malformed', 'expected a JSON object');
  const p = proof as Record<string, unknown>;
  if (p.format !== FORMAT) return fail('malformed', `format: expected "${FORMAT}"`);
  if (p.version !== VERSION)
    return fail(
      'unsupported_version',
      `version ${JSON.stringify(p.version)} is not supported (this verifier knows ${VERSION})`,
    );
  const known = new Set([
    'format',
    'version',
    'snapshotId',
    'assets',
    'root',
    'totals',
    'userId',
    'nonce',
    'balances',
    'leafIndex',
    'path',
  ]);
  const unknown = Object.keys(p).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new FormatError(unknown[0], 'unknown field');

  const assets = checkAssets(p.assets);
  const snapshotId = p.snapshotId as string;
  const context = sha256(contextMessage(snapshotId, assets));
  const userId = p.userId as string;
  const nonce = parseHash(p.nonce, 'nonce');
  const balances = amountsInOrder(p.balances, assets, 'balances');
  const claimedRoot = parseHash(p.root, 'root');
  const claimedTotals = amountsInOrder(p.totals, assets, 'totals');
  if (!Array.isArray(p.path) || p.path.length > MAX_DEPTH)
    throw new FormatError('path', `expected an array of at most ${MAX_DEPTH} steps`);
  const depth = p.path.length;
  const leafIndex = p.leafIndex;
  if (typeof leafIndex !== 'number' || !Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= 2 ** depth) {
    throw new FormatError('leafIndex', `expected an integer in [0, 2^${depth})`);
  }

  const commitment = sha256(commitmentMessage(context, nonce, idBytes(userId, 'userId')));
  let hash = sha256(leafMessage(commitment, balances));
  let sums = balances;
  for (let level = 0; level < depth; level++) {
    const step = p.path[level] as unknown;
    if (typeof step !== 'object' || step === null) throw new FormatError(`path[${level}]`, 'expected {hash, sums}');
    const s = step as Record<string, unknown>;
    const extra = Object.keys(s).find((k) => k !== 'hash' && k !== 'sums');
    if (extra !== undefined) throw new FormatError(`path[${level}].${extra}`, 'unknown field');
    const siblingHash = parseHash(s.hash, `path[${level}].hash`);
    const siblingSums = amountsInOrder(s.sums, assets, `path[${level}].sums`);
    const isRight = Math.floor(leafIndex / 2 ** level) % 2 === 1;
    hash = isRight
      ? sha256(nodeMessage(siblingHash, siblingSums, hash, sums))
      : sha256(nodeMessage(hash, sums, siblingHash, siblingSums));
    const parent = sums.map((v, i) => v + siblingSums[i]);
    const over = parent.findIndex((v) => v >= AMOUNT_LIMIT);
    if (over >= 0) return fail('sum_overflow', `the ${assets[over]} sum at level ${level + 1} exceeds 2^256-1`);
    sums = parent;
  }
  const root = sha256(rootMessage(context, depth, hash, sums));
  const rootHex = bytesToHex(root);
  if (rootHex !== bytesToHex(claimedRoot)) {
    return fail(
      'root_mismatch',
      `the recomputed root ${rootHex} differs from the proof's root ${bytesToHex(claimedRoot)}: ` +
        'the balances, user id, nonce, leaf index or a sibling (hash or sums) was altered or is missing',
    );
  }
  const wrongTotal = claimedTotals.findIndex((t, i) => t !== sums[i]);
  if (wrongTotal >= 0) {
    return fail(
      'totals_mismatch',
      `the proof claims ${assets[wrongTotal]} total ${claimedTotals[wrongTotal]} but its path sums to ${sums[wrongTotal]}`,
    );
  }
  if (options.expectedRoot !== undefined) {
    const expected = options.expectedRoot.trim().toLowerCase().replace(/^0x/, '');
    if (expected !== rootHex)
      return fail(
        'expected_root_mismatch',
        `the proof leads to root ${rootHex}, not to the published root ${expected}`,
      );
  }
  return {
    valid: true,
    snapshotId,
    assets,
    userId,
    balances: amountMap(assets, balances),
    totals: amountMap(assets, sums),
    root: rootHex,
    depth,
    rootChecked: options.expectedRoot !== undefined,
  };
}
