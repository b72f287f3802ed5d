import { asArray, asInteger, asObject, asString, field, onlyKeys, readAmounts, readAssets, readHash } from './fields';
import { amountMap, bytesToHex } from './encoding';
import { checkIdentifier, checkSnapshotTime } from './identifiers';
import { Refusal, type RefusalCode } from './refusals';
import { quote, type JsonObject, type JsonValue } from './strict-json';
import { readDocument, type DocumentInput } from './verify';
import { verifyPublished, type PublishedFacts } from './verify-published';
import {
  CUSTODY_SIGNATURE,
  ROOT_STATEMENT,
  USER_STATEMENT_FORMAT,
  USER_STATEMENT_VERSION,
  isPublicKeyHex,
  normalisePublicKey,
  rootStatementMessage,
  statementDigest,
  userStatementMessage,
  verifyStatementSignature,
  type UserStatementFields,
} from './statement-encoding';

/** Refusals of the signature checks, after the document's own (docs/proof-publication.md § codes). */
export const STATEMENT_REFUSALS = {
  key_invalid: 'the trusted key given is not a compressed secp256k1 public key (66 hex digits)',
  signature_missing: 'the root document carries no custody-signature attestation',
  signature_invalid: 'a signature does not verify against the key it names',
  key_mismatch: 'signed by another key than the trusted one',
  statement_mismatch: 'the statement is for another snapshot, time, root or asset list than the root document',
} as const;

export type StatementCode = keyof typeof STATEMENT_REFUSALS | RefusalCode;

export interface StatementError {
  outcome: 'invalid';
  valid: false;
  code: StatementCode;
  at: string;
  reason: string;
}

/** `valid` only against a key (or root document) the caller trusts; else `self_consistent`. */
export type Checked<T> =
  (T & { outcome: 'valid'; valid: true }) | (T & { outcome: 'self_consistent'; valid: false }) | StatementError;

class StatementRefusal extends Error {
  constructor(
    readonly code: keyof typeof STATEMENT_REFUSALS,
    readonly at: string,
    detail?: string,
  ) {
    super(`${at}: ${detail ?? STATEMENT_REFUSALS[code]}`);
  }
}

function guard<T>(run: () => Checked<T>): Checked<T> {
  try {
    return run();
  } catch (err) {
    if (err instanceof Refusal || err instanceof StatementRefusal)
      return { outcome: 'invalid', valid: false, code: err.code, at: err.at, reason: err.message };
    throw err;
  }
}

function trustedKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  const k = normalisePublicKey(key);
  if (k === null) throw new StatementRefusal('key_invalid', 'key');
  return k;
}

function readPublicKey(obj: JsonObject, where: string): string {
  const publicKey = asString(field(obj, 'publicKey', where), `${where}.publicKey`);
  if (!isPublicKeyHex(publicKey))
    throw new Refusal('hex_invalid', `${where}.publicKey`, 'expected 66 lower-case hex characters (02 or 03 first)');
  return publicKey;
}

/** r and s: 32-byte scalars as 64 lower-case hex characters. */
function readScalars(obj: JsonObject, where: string): { r: string; s: string } {
  return {
    r: bytesToHex(readHash(field(obj, 'r', where), `${where}.r`)),
    s: bytesToHex(readHash(field(obj, 's', where), `${where}.s`)),
  };
}

export interface SignedRootFacts extends PublishedFacts {
  /** The keys whose signatures of the root statement verify. */
  signedBy: string[];
}

/**
 * A published root document with the custody's signature: the document binds its own numbers
 * (`verifyPublished`), and each `custody-signature` attestation must verify over its root
 * statement. With `key`, one of them must be that key's: `valid`; without, `self_consistent`.
 */
export function verifyRootSignature(input: DocumentInput, options: { key?: string } = {}): Checked<SignedRootFacts> {
  return guard<SignedRootFacts>(() => {
    const key = trustedKey(options.key);
    const checked = verifyPublished(input);
    if (checked.outcome === 'invalid') return checked;
    const { outcome: _o, valid: _v, ...facts } = checked;
    const doc = asObject(readDocument(input), '$');
    const signedBy: string[] = [];
    asArray(field(doc, 'attestations', '$'), '$.attestations').forEach((a, i) => {
      const at = `$.attestations[${i}]`;
      const obj = asObject(a, at);
      if (field(obj, 'type', at) !== CUSTODY_SIGNATURE) return;
      onlyKeys(obj, ['type', 'statement', 'publicKey', 'r', 's'], at);
      const statement = asString(field(obj, 'statement', at), `${at}.statement`);
      if (statement !== ROOT_STATEMENT)
        throw new Refusal('unsupported_version', `${at}.statement`, `${quote(statement)} is not ${ROOT_STATEMENT}`);
      const publicKey = readPublicKey(obj, at);
      if (!verifyStatementSignature(statementDigest(rootStatementMessage(facts)), publicKey, readScalars(obj, at)))
        throw new StatementRefusal('signature_invalid', at);
      signedBy.push(publicKey);
    });
    if (signedBy.length === 0) throw new StatementRefusal('signature_missing', '$.attestations');
    if (key !== undefined && !signedBy.includes(key))
      throw new StatementRefusal('key_mismatch', '$.attestations', `not signed by the trusted key ${key}`);
    const result = { ...facts, signedBy };
    return key === undefined
      ? { ...result, outcome: 'self_consistent', valid: false }
      : { ...result, outcome: 'valid', valid: true };
  });
}

export interface UserStatement extends UserStatementFields {
  format: typeof USER_STATEMENT_FORMAT;
  version: typeof USER_STATEMENT_VERSION;
  publicKey: string;
  signature: { r: string; s: string };
}

const USER_FIELDS = [
  'format',
  'version',
  'snapshotId',
  'snapshotTime',
  'root',
  'userId',
  'assets',
  'balances',
  'issuedAt',
  'publicKey',
  'signature',
];

/** Reads a user statement field by field in the order of USER_FIELDS (strict JSON first). */
export function readUserStatement(v: JsonValue): UserStatement {
  const doc = asObject(v, '$');
  if (field(doc, 'format', '$') !== USER_STATEMENT_FORMAT)
    throw new Refusal('unknown_format', '$.format', `expected "${USER_STATEMENT_FORMAT}"`);
  const version = asInteger(field(doc, 'version', '$'), '$.version');
  if (version !== BigInt(USER_STATEMENT_VERSION))
    throw new Refusal('unsupported_version', '$.version', `version ${version} is not supported (known: 1)`);
  onlyKeys(doc, USER_FIELDS, '$');
  const snapshotId = checkIdentifier(field(doc, 'snapshotId', '$'), '$.snapshotId');
  const snapshotTime = checkSnapshotTime(field(doc, 'snapshotTime', '$'), '$.snapshotTime');
  const root = bytesToHex(readHash(field(doc, 'root', '$'), '$.root'));
  const userId = checkIdentifier(field(doc, 'userId', '$'), '$.userId');
  const assets = readAssets(field(doc, 'assets', '$'), '$.assets', 2);
  const balances = amountMap(assets, readAmounts(field(doc, 'balances', '$'), assets, '$.balances'));
  const issuedAt = checkSnapshotTime(field(doc, 'issuedAt', '$'), '$.issuedAt');
  const publicKey = readPublicKey(doc, '$');
  const signature = asObject(field(doc, 'signature', '$'), '$.signature');
  onlyKeys(signature, ['r', 's'], '$.signature');
  return {
    format: USER_STATEMENT_FORMAT,
    version: USER_STATEMENT_VERSION,
    snapshotId,
    snapshotTime,
    root,
    userId,
    assets,
    balances,
    issuedAt,
    publicKey,
    signature: readScalars(signature, '$.signature'),
  };
}

export interface UserStatementOptions {
  /** Whose statement this must be, from the user: never taken from the statement. */
  userId: string;
  /** The custody's publication key, from a channel the user trusts. */
  key?: string;
  /** The snapshot's published root document, with its custody signature. */
  published?: DocumentInput;
}

/**
 * A user statement: for the user named by the caller, signed by the key it names. `valid` when
 * that key is the trusted one, or when the statement is for the given root document and signed
 * by the key that signed it; else `self_consistent`.
 */
export function verifyUserStatement(input: DocumentInput, options: UserStatementOptions): Checked<UserStatement> {
  return guard<UserStatement>(() => {
    if (typeof options?.userId !== 'string' || options.userId === '')
      throw new Refusal('user_required', 'user', 'give the user id the statement must be for');
    const userId = checkIdentifier(options.userId, 'user');
    const key = trustedKey(options.key);
    const st = readUserStatement(readDocument(input));
    if (st.userId !== userId)
      throw new Refusal('user_mismatch', '$.userId', `the statement is for ${quote(st.userId)}, not ${quote(userId)}`);
    if (!verifyStatementSignature(statementDigest(userStatementMessage(st)), st.publicKey, st.signature))
      throw new StatementRefusal('signature_invalid', '$.signature');
    if (key !== undefined && key !== st.publicKey)
      throw new StatementRefusal('key_mismatch', '$.publicKey', `signed by ${st.publicKey}, not by ${key}`);
    if (options.published === undefined)
      return key === undefined
        ? { ...st, outcome: 'self_consistent', valid: false }
        : { ...st, outcome: 'valid', valid: true };
    const root = verifyRootSignature(options.published, { key: st.publicKey });
    if (root.outcome === 'invalid') return { ...root, at: `published ${root.at}` };
    const same =
      root.snapshotId === st.snapshotId &&
      root.snapshotTime === st.snapshotTime &&
      root.root === st.root &&
      root.assets.join(',') === st.assets.join(',');
    if (!same) throw new StatementRefusal('statement_mismatch', '$');
    return { ...st, outcome: 'valid', valid: true };
  });
}
