import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1';
import {
  CUSTODY_SIGNATURE,
  ROOT_STATEMENT,
  USER_STATEMENT_FORMAT,
  bytesToHex,
  hexToBytes,
  rootStatementMessage,
  statementDigest,
  userStatementMessage,
  type UserStatementFields,
} from '@strongroom/proof-verifier';
import { captureRun, runCli, specDir, v2Published } from '../testing/cli-output';
import { STATEMENT_EXIT, runSignedRoot, runStatement, type StatementOpts } from './proof-statement.command';

const published = v2Published();
const dir = specDir('proof-statement-cli');
const write = (name: string, value: unknown): string => {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};

// A test key, never a custody key.
const PRIVATE = hexToBytes('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');
const KEY = bytesToHex(secp256k1.getPublicKey(PRIVATE, true));
const OTHER = bytesToHex(secp256k1.getPublicKey(hexToBytes('22'.repeat(32)), true));
const sign = (m: Uint8Array) => {
  const s = secp256k1.sign(statementDigest(m), PRIVATE, { prehash: false, lowS: true });
  return { r: s.r.toString(16).padStart(64, '0'), s: s.s.toString(16).padStart(64, '0') };
};

const root = write('root.json', {
  ...published,
  attestations: [
    { type: CUSTODY_SIGNATURE, statement: ROOT_STATEMENT, publicKey: KEY, ...sign(rootStatementMessage(published)) },
  ],
});
function statement(userId: string, balances: Record<string, string>): string {
  const fields: UserStatementFields = {
    snapshotId: published.snapshotId,
    snapshotTime: published.snapshotTime,
    root: published.root,
    userId,
    assets: published.assets,
    balances,
    issuedAt: '2026-12-04T18:30:00.000Z',
  };
  const signed = { format: USER_STATEMENT_FORMAT, version: 1, ...fields, publicKey: KEY };
  return JSON.stringify({ ...signed, signature: sign(userStatementMessage(fields)) });
}
const balances = { BTC: '5', ETH: '0', USDC: '12' };
const alice = write('alice.json', statement('acme/alice', balances));

const run = (fn: typeof runStatement, file: string, opts: StatementOpts) => captureRun((o, e) => fn(file, opts, o, e));

describe('strongroom proof statement / signed-root', () => {
  it('exits 0 for your statement against the trusted key or the signed root, 3 without either', () => {
    expect(run(runStatement, alice, { user: 'acme/alice', key: KEY })).toMatchObject({
      code: STATEMENT_EXIT.valid,
      out: expect.stringContaining('VALID: the custody states acme/alice held'),
    });
    expect(run(runStatement, alice, { user: 'acme/alice', published: root }).code).toBe(STATEMENT_EXIT.valid);
    expect(run(runStatement, alice, { user: 'acme/alice' })).toMatchObject({
      code: STATEMENT_EXIT.selfConsistent,
      out: expect.stringContaining('SELF-CONSISTENT ONLY'),
    });
  });

  it("exits 1 for someone else's statement, another key, changed balances; 2 without --user or a file", () => {
    expect(run(runStatement, alice, { user: 'acme/bob', key: KEY })).toMatchObject({
      code: STATEMENT_EXIT.invalid,
      err: expect.stringContaining('user_mismatch'),
    });
    expect(run(runStatement, alice, { user: 'acme/alice', key: OTHER }).err).toContain('key_mismatch');
    const text = readFileSync(alice, 'utf8').replace('"BTC":"5"', '"BTC":"6"');
    expect(run(runStatement, write('richer.json', text), { user: 'acme/alice', key: KEY }).err).toContain(
      'signature_invalid',
    );
    expect(run(runStatement, alice, {}).code).toBe(STATEMENT_EXIT.unreadable);
    expect(run(runStatement, path.join(dir, 'absent.json'), { user: 'acme/alice' }).code).toBe(
      STATEMENT_EXIT.unreadable,
    );
  });

  it('escapes what a statement says: a user id carrying a terminal sequence cannot drive the terminal', () => {
    const sneaky = write('sneaky.json', statement('acme/alice\u202e', balances));
    const r = run(runStatement, sneaky, { user: 'acme/alice\u202e', key: KEY });
    // Refused by the identifier rules before anything of it is printed.
    expect(r).toMatchObject({ code: STATEMENT_EXIT.invalid, err: expect.stringContaining('id_forbidden_char') });
    expect(r.err.includes('\u202e')).toBe(false);
  });

  it('checks the signature of a published root; --json is ASCII', () => {
    expect(run(runSignedRoot, root, { key: KEY })).toMatchObject({ code: STATEMENT_EXIT.valid });
    expect(run(runSignedRoot, root, {}).code).toBe(STATEMENT_EXIT.selfConsistent);
    expect(run(runSignedRoot, root, { key: OTHER }).code).toBe(STATEMENT_EXIT.invalid);
    const json = run(runSignedRoot, root, { key: KEY, json: true });
    expect(JSON.parse(json.out)).toMatchObject({ outcome: 'valid', signedBy: [KEY] });
  });

  it('joins the proof command of the strongroom CLI', async () => {
    const statement = await runCli(['proof', 'statement', alice, '--user', 'acme/alice', '--key', KEY]);
    expect(statement).toMatchObject({ status: STATEMENT_EXIT.valid, output: expect.stringContaining('VALID') });
    expect((await runCli(['proof', 'signed-root', root, '--key', OTHER])).status).toBe(STATEMENT_EXIT.invalid);
  });
});
