import { secp256k1 } from '@noble/curves/secp256k1';
import { bytesToHex, hexToBytes } from './encoding';
import type { PublishedRootV2 } from './format';
import {
  CUSTODY_SIGNATURE,
  ROOT_STATEMENT,
  USER_STATEMENT_FORMAT,
  rootStatementMessage,
  statementDigest,
  userStatementMessage,
  verifyRootSignature,
  verifyUserStatement,
  type UserStatement,
  type UserStatementFields,
} from './statement';
import { loadVectors } from './testing/vectors';

// A fixed test key (never a custody key): the vectors in docs/proof-publication.md use it.
const PRIVATE = hexToBytes('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');
const PUBLIC = bytesToHex(secp256k1.getPublicKey(PRIVATE, true));
const OTHER = bytesToHex(secp256k1.getPublicKey(hexToBytes('11'.repeat(32)), true));

function sign(message: Uint8Array, key = PRIVATE): { r: string; s: string } {
  const sig = secp256k1.sign(statementDigest(message), key, { prehash: false, lowS: true });
  return { r: sig.r.toString(16).padStart(64, '0'), s: sig.s.toString(16).padStart(64, '0') };
}

const published = loadVectors<PublishedRootV2>('v2-published.json');

function signedRoot(key = PRIVATE): PublishedRootV2 {
  const sig = sign(rootStatementMessage(published), key);
  const publicKey = bytesToHex(secp256k1.getPublicKey(key, true));
  return { ...published, attestations: [{ type: CUSTODY_SIGNATURE, statement: ROOT_STATEMENT, publicKey, ...sig }] };
}

function statement(over: Partial<UserStatementFields> = {}): UserStatement {
  const fields: UserStatementFields = {
    snapshotId: published.snapshotId,
    snapshotTime: published.snapshotTime,
    root: published.root,
    userId: 'acme/alice',
    assets: published.assets,
    balances: { BTC: '150000000', ETH: '0', USDC: '42' },
    issuedAt: '2026-12-04T18:00:00.000Z',
    ...over,
  };
  return {
    format: USER_STATEMENT_FORMAT,
    version: 1,
    ...fields,
    publicKey: PUBLIC,
    signature: sign(userStatementMessage(fields)),
  };
}

describe('root statements', () => {
  it('encodes the root statement byte for byte (the vector of docs/proof-publication.md)', () => {
    const text = new TextDecoder().decode(rootStatementMessage(published));
    expect(text).toBe(
      'strongroom-root-statement-v1\n' +
        'snapshot=766563746f722d736e617073686f742d32\n' +
        'time=2026-12-01T00:00:00.000Z\n' +
        'assets=BTC,ETH,USDC\n' +
        'depth=3\n' +
        'topHash=df7bd23eacc109fcd579a525fc85ed48627c3e56d536f5665dfef5c00f328cdc\n' +
        'totals=2100000150005001,340282366920938463465874607431768211457,1000000999999\n' +
        'root=4e5b1e1fe4381ad69b9e093d41b78052562d1d633409e2a146ad261d1a7e3339\n',
    );
    // The digest as `printf '…' | sha256sum` gives it, and the RFC 6979 signature by the test key.
    expect(bytesToHex(statementDigest(rootStatementMessage(published)))).toBe(
      'ea88c6ab7c28d6356881df0721b741f402be555e2479324c833c9f31ed7cb8ff',
    );
    expect(sign(rootStatementMessage(published))).toEqual({
      r: '784858d049456ce1a3e26d67143ab3b66026cbdbbcf9ab2ada2266444760efcf',
      s: '735662ddda6d7c3824e5e5b5b1d020b15ad4e7e4b04cf75e0353054d4d074ba2',
    });
    expect(PUBLIC).toBe('024e3b81af9c2234cad09d679ce6035ed1392347ce64ce405f5dcd36228a25de6e');
  });

  it('is valid against the trusted key, self-consistent without one, invalid for another key', () => {
    const doc = signedRoot();
    expect(verifyRootSignature(doc, { key: `0x${PUBLIC.toUpperCase()}` })).toMatchObject({
      outcome: 'valid',
      signedBy: [PUBLIC],
      root: published.root,
    });
    expect(verifyRootSignature(JSON.stringify(doc))).toMatchObject({ outcome: 'self_consistent', valid: false });
    expect(verifyRootSignature(doc, { key: OTHER })).toMatchObject({ outcome: 'invalid', code: 'key_mismatch' });
    expect(verifyRootSignature(doc, { key: 'nothex' })).toMatchObject({ code: 'key_invalid' });
    expect(verifyRootSignature(published, { key: PUBLIC })).toMatchObject({ code: 'signature_missing' });
  });

  it('refuses a signature over other totals, and a document whose totals were swapped', () => {
    const doc = signedRoot();
    const forged = sign(rootStatementMessage({ ...published, totals: { ...published.totals, BTC: '1' } }));
    const att = { ...doc.attestations[0], ...forged };
    expect(verifyRootSignature({ ...doc, attestations: [att] }, { key: PUBLIC })).toMatchObject({
      code: 'signature_invalid',
    });
    const swapped = { ...doc, totals: { ...doc.totals, BTC: '150000001' } };
    expect(verifyRootSignature(swapped, { key: PUBLIC })).toMatchObject({ code: 'published_inconsistent' });
    const extra = { ...doc.attestations[0], note: 'x' };
    expect(verifyRootSignature({ ...doc, attestations: [extra] })).toMatchObject({ code: 'unknown_field' });
    // Other attestation types are left to the verifiers that know them.
    const anchor = { type: 'ethereum-anchor', txHash: '0x00' };
    expect(verifyRootSignature({ ...doc, attestations: [anchor, ...doc.attestations] })).toMatchObject({
      outcome: 'self_consistent',
    });
  });
});

describe('user statements', () => {
  it('encodes the user statement byte for byte', () => {
    const text = new TextDecoder().decode(userStatementMessage(statement({ userId: 'acme/élise' })));
    expect(text).toBe(
      'strongroom-user-statement-v1\n' +
        'snapshot=766563746f722d736e617073686f742d32\n' +
        'time=2026-12-01T00:00:00.000Z\n' +
        'root=4e5b1e1fe4381ad69b9e093d41b78052562d1d633409e2a146ad261d1a7e3339\n' +
        'user=61636d652fc3a96c697365\n' +
        'assets=BTC,ETH,USDC\n' +
        'balances=150000000,0,42\n' +
        'issued=2026-12-04T18:00:00.000Z\n',
    );
    const message = userStatementMessage(statement({ userId: 'acme/élise' }));
    expect(bytesToHex(statementDigest(message))).toBe(
      '1196c592a0e42572fc3171d36c440f28009a2dc3c65569d1aa272717bb06e5ef',
    );
    expect(sign(message)).toEqual({
      r: 'a7ad42301cc964536954f9076765956fb04ccb9be03145e87c86df68dc2685a8',
      s: '2729469d89138512b5e51fa1cba44c78771bdf5b895a428036988efd20248dd9',
    });
  });

  it("is valid for its user against the trusted key or the signed root document, and nobody else's", () => {
    const st = statement();
    expect(verifyUserStatement(st, { userId: 'acme/alice', key: PUBLIC })).toMatchObject({
      outcome: 'valid',
      balances: { BTC: '150000000', ETH: '0', USDC: '42' },
    });
    expect(verifyUserStatement(st, { userId: 'acme/alice', published: signedRoot() })).toMatchObject({
      outcome: 'valid',
    });
    expect(verifyUserStatement(JSON.stringify(st), { userId: 'acme/alice' })).toMatchObject({
      outcome: 'self_consistent',
    });
    expect(verifyUserStatement(st, { userId: 'acme/bob', key: PUBLIC })).toMatchObject({ code: 'user_mismatch' });
    expect(verifyUserStatement(st, { userId: '' })).toMatchObject({ code: 'user_required' });
    expect(verifyUserStatement(st, { userId: 'acme/alice', key: OTHER })).toMatchObject({ code: 'key_mismatch' });
    expect(
      verifyUserStatement(st, { userId: 'acme/alice', published: signedRoot(hexToBytes('11'.repeat(32))) }),
    ).toMatchObject({ code: 'key_mismatch' });
  });

  it('refuses changed balances, another root, and the strict-JSON violations', () => {
    const st = statement();
    const richer = { ...st, balances: { ...st.balances, BTC: '150000001' } };
    expect(verifyUserStatement(richer, { userId: 'acme/alice', key: PUBLIC })).toMatchObject({
      code: 'signature_invalid',
    });
    const elsewhere = statement({ root: 'ab'.repeat(32) });
    expect(verifyUserStatement(elsewhere, { userId: 'acme/alice', published: signedRoot() })).toMatchObject({
      code: 'statement_mismatch',
    });
    const text = JSON.stringify(st);
    const dup = text.replace('"userId":"acme/alice"', '"userId":"acme/alice","userId":"acme/alice"');
    expect(verifyUserStatement(dup, { userId: 'acme/alice' })).toMatchObject({ code: 'duplicate_key' });
    const float = text.replace('"version":1', '"version":1.0');
    expect(verifyUserStatement(float, { userId: 'acme/alice' })).toMatchObject({ code: 'non_integer' });
    const missing = { ...st, balances: { BTC: '1', ETH: '0' } };
    expect(verifyUserStatement(missing, { userId: 'acme/alice' })).toMatchObject({ code: 'asset_set' });
    expect(verifyUserStatement({ ...st, extra: 1 }, { userId: 'acme/alice' })).toMatchObject({
      code: 'unknown_field',
    });
  });
});
