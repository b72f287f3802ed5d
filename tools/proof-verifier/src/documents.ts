import { asArray, asInteger, asObject, asString, field, onlyKeys, readAmounts, readAssets, readHash } from './fields';
import { FORMAT, MAX_DEPTH, VERSIONS, type FormatVersion } from './format';
import { checkIdentifier, checkSnapshotTime } from './identifiers';
import { Refusal } from './refusals';
import { quote, type JsonObject, type JsonValue } from './strict-json';

/**
 * The two documents, read field by field in the order of docs § fields: the header (format,
 * version, kind), then unknown fields, then each field in its table's order.
 */

export interface Snapshot {
  version: FormatVersion;
  snapshotId: string;
  /** Version 2 only. */
  snapshotTime?: string;
  assets: string[];
}

export interface ParsedProof extends Snapshot {
  root: Uint8Array;
  totals: bigint[];
  userId: string;
  nonce: Uint8Array;
  balances: bigint[];
  path: { hash: Uint8Array; sums: bigint[] }[];
  leafIndex: number;
}

export interface ParsedPublished extends Snapshot {
  depth: number;
  /** Version 2 only. */
  topHash?: Uint8Array;
  totals: bigint[];
  root: Uint8Array;
  attestations: { type: string }[];
}

const PROOF_FIELDS: Record<FormatVersion, string[]> = {
  1: ['snapshotId', 'assets', 'root', 'totals', 'userId', 'nonce', 'balances', 'path', 'leafIndex'],
  2: ['snapshotId', 'snapshotTime', 'assets', 'root', 'totals', 'userId', 'nonce', 'balances', 'path', 'leafIndex'],
};
const PUBLISHED_FIELDS: Record<FormatVersion, string[]> = {
  1: ['snapshotId', 'assets', 'depth', 'root', 'totals'],
  2: ['snapshotId', 'snapshotTime', 'assets', 'depth', 'topHash', 'totals', 'root', 'attestations'],
};

/** format, version, kind (version 2), then no field outside the document's table. */
function header(v: JsonValue, kind: 'inclusion' | 'root', fields: Record<FormatVersion, string[]>) {
  const doc = asObject(v, '$');
  const format = field(doc, 'format', '$');
  if (format !== FORMAT) throw new Refusal('unknown_format', '$.format', `expected "${FORMAT}"`);
  const n = asInteger(field(doc, 'version', '$'), '$.version');
  const version = VERSIONS.find((k) => BigInt(k) === n);
  if (version === undefined)
    throw new Refusal(
      'unsupported_version',
      '$.version',
      `version ${n} is not supported (known: ${VERSIONS.join(', ')})`,
    );
  const head = ['format', 'version'];
  if (version >= 2) {
    const k = asString(field(doc, 'kind', '$'), '$.kind');
    if (k !== kind) throw new Refusal('wrong_kind', '$.kind', `expected kind "${kind}", got ${quote(k)}`);
    head.push('kind');
  }
  onlyKeys(doc, [...head, ...fields[version]], '$');
  return { doc, version };
}

function snapshot(doc: JsonObject, version: FormatVersion): Snapshot {
  const snapshotId = checkIdentifier(field(doc, 'snapshotId', '$'), '$.snapshotId', version);
  const snapshotTime = version >= 2 ? checkSnapshotTime(field(doc, 'snapshotTime', '$'), '$.snapshotTime') : undefined;
  const assets = readAssets(field(doc, 'assets', '$'), '$.assets', version);
  return { version, snapshotId, snapshotTime, assets };
}

export function readProof(v: JsonValue): ParsedProof {
  const { doc, version } = header(v, 'inclusion', PROOF_FIELDS);
  const s = snapshot(doc, version);
  const root = readHash(field(doc, 'root', '$'), '$.root');
  const totals = readAmounts(field(doc, 'totals', '$'), s.assets, '$.totals');
  const userId = checkIdentifier(field(doc, 'userId', '$'), '$.userId', version);
  const nonce = readHash(field(doc, 'nonce', '$'), '$.nonce');
  const balances = readAmounts(field(doc, 'balances', '$'), s.assets, '$.balances');
  const steps = asArray(field(doc, 'path', '$'), '$.path');
  if (steps.length > MAX_DEPTH)
    throw new Refusal('depth_range', '$.path', `${steps.length} steps; at most ${MAX_DEPTH} allowed`);
  const path = steps.map((step, i) => {
    const at = `$.path[${i}]`;
    const o = asObject(step, at);
    onlyKeys(o, ['hash', 'sums'], at);
    return {
      hash: readHash(field(o, 'hash', at), `${at}.hash`),
      sums: readAmounts(field(o, 'sums', at), s.assets, `${at}.sums`),
    };
  });
  const index = asInteger(field(doc, 'leafIndex', '$'), '$.leafIndex');
  if (index < 0n || index >= 1n << BigInt(path.length))
    throw new Refusal('leaf_index_range', '$.leafIndex', `${index} is not in [0, 2^${path.length})`);
  return { ...s, root, totals, userId, nonce, balances, path, leafIndex: Number(index) };
}

const ATTESTATION_TYPE = /^[a-z][a-z0-9-]{0,31}$/;

export function readPublished(v: JsonValue): ParsedPublished {
  const { doc, version } = header(v, 'root', PUBLISHED_FIELDS);
  const s = snapshot(doc, version);
  const depth = asInteger(field(doc, 'depth', '$'), '$.depth');
  if (depth < 0n || depth > BigInt(MAX_DEPTH)) throw new Refusal('depth_range', '$.depth', `depth 0-${MAX_DEPTH}`);
  const topHash = version >= 2 ? readHash(field(doc, 'topHash', '$'), '$.topHash') : undefined;
  const totals = readAmounts(field(doc, 'totals', '$'), s.assets, '$.totals');
  const root = readHash(field(doc, 'root', '$'), '$.root');
  const attestations =
    version >= 2
      ? asArray(field(doc, 'attestations', '$'), '$.attestations').map((a, i) => {
          const type = asString(
            field(asObject(a, `$.attestations[${i}]`), 'type', `$.attestations[${i}]`),
            `$.attestations[${i}].type`,
          );
          if (!ATTESTATION_TYPE.test(type))
            throw new Refusal('wrong_type', `$.attestations[${i}].type`, `${quote(type)} is not an attestation type`);
          return { type };
        })
      : [];
  return { ...s, depth: Number(depth), topHash, totals, root, attestations };
}
