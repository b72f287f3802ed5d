import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { createApiKey, createClient, listRoutes, type ApiCredentials, type RouteInfo } from '@strongroom/api-auth';
import { describeEachBackend } from '@strongroom/testing';
import { ALL_CONTEXTS } from './all-contexts';
import {
  badString,
  BODY_CODES,
  gzip,
  inject,
  nested,
  percentEncode,
  sendRaw,
  stateFingerprint,
  URL_CODES,
  type RawRequest,
  type RawResponse,
} from './testing/bad-input';
import { startThreeApis } from './testing/three-apis';

// The three APIs of the embedded default, in this process, on one database per back end, with
// every route the apps really serve. Bad input of the five kinds the fuzzing report found (NUL,
// lone surrogates, charsets, content encodings, deep JSON) plus control characters and non-JSON
// media types, anywhere a request can carry text, must be a 4xx problem and change no row.
jest.setTimeout(120_000);

const SCHEMAS = ALL_CONTEXTS.map((c) => c.schema);
const PROBLEM = /^application\/problem\+json/;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const UUID = '00000000-0000-4000-8000-000000000001';

/** Bodies a route would accept (or nearly): what bad headers and deep nesting are wrapped around. */
const SAMPLE_BODIES: Record<string, Record<string, unknown>> = {
  'POST /v1/accounts': { clientId: 'acme', ownerId: 'alice', asset: 'BTC', kind: 'user' },
  'POST /v1/transfers': {
    id: 'fuzz-t1',
    debitAccountId: 'a',
    creditAccountId: 'b',
    amount: '1',
    metadata: { note: 'x' },
  },
  'POST /v1/auth/keys': { name: 'fuzz key', role: 'auditor', owner: 'fuzz owner' },
  'POST /v1/deposit-addresses': { clientId: 'acme', userId: 'alice', asset: 'BTC' },
  'POST /v1/withdrawals': {
    clientId: 'acme',
    userId: 'alice',
    asset: 'BTC',
    amount: '10000000',
    destination: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080',
  },
  'POST /v1/snapshots': {},
  'POST /v1/reconciliations': { snapshotId: UUID },
};
const sampleBody = (r: RouteInfo) =>
  SAMPLE_BODIES[`${r.method} ${r.path}`] ?? { clientId: 'acme', reason: 'fuzz', name: 'fuzz' };
const fill = (path: string, value = 'x1', which = -1) => {
  let i = 0;
  return path.replace(/:[A-Za-z]+/g, () => (i++ === which || which < 0 ? value : 'x1'));
};
const paramCount = (path: string) => (path.match(/:[A-Za-z]+/g) ?? []).length;
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const JSON_TYPE = { 'content-type': 'application/json' };

describeEachBackend('bad input through the three APIs', { contexts: ALL_CONTEXTS }, (ctx) => {
  const apps: INestApplication[] = [];
  const targets: { url: string; route: RouteInfo }[] = [];
  let admin: ApiCredentials;
  let backend: ApiCredentials;

  beforeAll(async () => {
    const { db } = ctx();
    await createClient(db, { id: 'acme', name: 'Acme', custody: 'pooled' });
    admin = await createApiKey(db, { name: 'fuzz admin', role: 'admin', owner: 'fuzz admin' });
    backend = await createApiKey(db, {
      name: 'fuzz backend',
      role: 'backend',
      owner: 'fuzz backend',
      clients: ['acme'],
    });
    for (const started of await startThreeApis(db, 'fuzz')) {
      apps.push(started.app);
      for (const route of listRoutes(started.app)) {
        if (WRITES.has(route.method) || (route.method === 'GET' && paramCount(route.path) > 0))
          targets.push({ url: started.url, route });
      }
    }
  });
  afterAll(async () => {
    for (const a of apps.reverse()) await a.close();
  });

  /** Sends, and checks the answer is a 4xx problem whose code is one of `codes`, with no row changed. */
  async function expectRefused(
    url: string,
    who: ApiCredentials | null,
    r: RawRequest,
    codes: readonly string[],
    except: string[] = [],
  ): Promise<RawResponse> {
    const fingerprint = () => stateFingerprint(ctx().db, SCHEMAS, except);
    const before = await fingerprint();
    const res = await sendRaw(url, who, r);
    const what = `${r.method} ${r.path.slice(0, 120)} → ${res.status} ${res.text.slice(0, 200)}`;
    expect([what, res.status >= 400 && res.status < 500, PROBLEM.test(res.contentType)]).toEqual([what, true, true]);
    const code = (JSON.parse(res.text) as { code: string }).code;
    expect([what, codes.includes(code)]).toEqual([what, true]);
    expect(await fingerprint()).toEqual(before);
    return res;
  }

  it('serves the routes it is about', () => {
    const names = targets.map((t) => `${t.route.method} ${t.route.path}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /v1/transfers',
        'POST /v1/auth/keys',
        'POST /v1/withdrawals',
        'GET /v1/withdrawals/:id',
        'POST /v1/deposit-addresses',
        'POST /v1/snapshots',
      ]),
    );
    expect(targets.length).toBeGreaterThan(30);
  });

  it('refuses the reported cases (each used to be a 500)', async () => {
    const urlOf = (path: string) => (targets.find((t) => t.route.path === path) as { url: string }).url;
    const w = urlOf('/v1/withdrawals');
    await expectRefused(w, admin, { method: 'GET', path: '/v1/withdrawals/%00' }, ['request.nul_character']);
    await expectRefused(urlOf('/v1/accounts'), admin, { method: 'GET', path: '/v1/accounts?clientId=%00&ownerId=a' }, [
      'request.nul_character',
    ]);
    const memo = { ...SAMPLE_BODIES['POST /v1/withdrawals'], memo: 'a\u0000b' };
    await expectRefused(
      w,
      backend,
      {
        method: 'POST',
        path: '/v1/withdrawals',
        headers: { ...JSON_TYPE, 'idempotency-key': 'fuzz-memo' },
        body: json(memo),
      },
      ['request.nul_character'],
    );
    await expectRefused(
      w,
      backend,
      {
        method: 'POST',
        path: '/v1/withdrawals',
        headers: { ...JSON_TYPE, 'idempotency-key': 'fuzz-memo2' },
        body: json({ ...memo, memo: '\ud800' }),
      },
      ['request.lone_surrogate'],
    );
    const keys = urlOf('/v1/auth/keys');
    await expectRefused(
      keys,
      admin,
      { method: 'POST', path: '/v1/auth/keys', headers: JSON_TYPE, body: json({ name: 'k\ud800', role: 'auditor' }) },
      ['request.lone_surrogate'],
    );
    await expectRefused(
      keys,
      admin,
      {
        method: 'POST',
        path: '/v1/auth/keys',
        headers: JSON_TYPE,
        body: json({ name: '\u001b[2Jk', role: 'auditor' }),
      },
      ['request.control_character'],
    );
    for (const charset of ['latin1', 'utf8', 'ascii', 'x-unknown']) {
      await expectRefused(
        w,
        null,
        {
          method: 'POST',
          path: '/health',
          headers: { 'content-type': `application/json; charset=${charset}` },
          body: json({}),
        },
        ['request.unsupported_charset'],
      );
    }
    for (const [encoding, body] of [
      ['br', json({})],
      ['compress', json({})],
      ['gzip', Buffer.from('not gzip')],
      ['gzip', gzip(gzip(json({})))],
    ] as const) {
      await expectRefused(
        w,
        null,
        { method: 'POST', path: '/v1/withdrawals', headers: { ...JSON_TYPE, 'content-encoding': encoding }, body },
        ['request.unsupported_encoding'],
      );
    }
    const deep = Buffer.from(
      `{"id":"deep-1","debitAccountId":"a","creditAccountId":"b","amount":"1","metadata":{"m":${nested(10_000, false)}}}`,
    );
    await expectRefused(
      urlOf('/v1/transfers'),
      admin,
      { method: 'POST', path: '/v1/transfers', headers: JSON_TYPE, body: deep },
      ['request.too_deep'],
    );
    await expectRefused(
      urlOf('/v1/deposit-addresses'),
      backend,
      {
        method: 'POST',
        path: '/v1/deposit-addresses',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from('clientId=acme&userId=alice&asset=BTC'),
      },
      ['request.unsupported_media_type'],
    );
    // Refused by the route, after authentication: only the nonce is recorded.
    await expectRefused(
      urlOf('/v1/snapshots'),
      admin,
      { method: 'POST', path: '/v1/snapshots', headers: JSON_TYPE, body: json({ unknown: 1 }) },
      ['request.invalid'],
      ['auth.nonces'],
    );
  });

  /** One generated bad request: where the bad part goes, and which codes may answer it. */
  interface Case {
    target: { url: string; route: RouteInfo };
    request: RawRequest;
    codes: readonly string[];
    signed: boolean;
  }
  const caseFor = (
    pick: number,
    build: (t: { url: string; route: RouteInfo }) => Omit<Case, 'target' | 'signed'> | null,
    signed: boolean,
  ): Case | null => {
    const target = targets[pick % targets.length];
    const built = build(target);
    return built && { target, signed, ...built };
  };
  const bodyFor = (t: { route: RouteInfo }) => (WRITES.has(t.route.method) ? json(sampleBody(t.route)) : undefined);
  const anyCharset = fc.oneof(
    fc.constantFrom(
      'latin1',
      'utf8',
      'ascii',
      'utf-16',
      'utf-16le',
      'UTF-32',
      'iso-8859-1',
      'windows-1252',
      '',
      '"utf8"',
    ),
    fc.string({ unit: 'grapheme-ascii', maxLength: 10 }),
  );
  const anyEncoding = fc.oneof(
    fc.constantFrom('gzip', 'br', 'compress', 'deflate', 'gzip, gzip', 'x-gzip', 'zstd', 'GZIP', 'identity, gzip'),
    fc.stringMatching(/^[a-z0-9-]{1,12}$/),
  );
  const anyMedia = fc.constantFrom(
    'application/x-www-form-urlencoded',
    'text/plain',
    'multipart/form-data; boundary=b',
    'application/xml',
    'text/json',
    'application/json-seq',
    null,
  );

  // Long because it is one fc.oneof over the five numbered families of bad input, all drawn from the
  // same pick, signed and where: read together, they are the table of what the API must refuse.
  const badCases = (signedArb: fc.Arbitrary<boolean>) =>
    fc
      .tuple(fc.nat(), signedArb, fc.nat())
      .chain(([pick, signed, where]) =>
        fc.oneof(
          // 1–2. Text that is not text, in a path id, a query value or name, a body string or member name.
          badString.map(({ text, kind }) =>
            caseFor(
              pick,
              (t) =>
                paramCount(t.route.path) === 0
                  ? null
                  : {
                      request: {
                        method: t.route.method,
                        path: fill(t.route.path, percentEncode(text), where % paramCount(t.route.path)),
                        headers: JSON_TYPE,
                        body: bodyFor(t),
                      },
                      codes: [URL_CODES[kind]],
                    },
              signed,
            ),
          ),
          badString.map(({ text, kind }) =>
            caseFor(
              pick,
              (t) => ({
                request: {
                  method: t.route.method,
                  path: `${fill(t.route.path)}?${where % 2 ? `clientId=${percentEncode(text)}` : `${percentEncode(text)}=1`}`,
                  headers: JSON_TYPE,
                  body: bodyFor(t),
                },
                codes: [URL_CODES[kind]],
              }),
              signed,
            ),
          ),
          badString.map(({ text, kind }) =>
            caseFor(
              pick,
              (t) =>
                WRITES.has(t.route.method)
                  ? {
                      request: {
                        method: t.route.method,
                        path: fill(t.route.path),
                        headers: JSON_TYPE,
                        body: json(inject(sampleBody(t.route), text, where)),
                      },
                      codes: [BODY_CODES[kind]],
                    }
                  : null,
              signed,
            ),
          ),
          // A lone surrogate as raw (invalid) UTF-8 bytes inside a JSON string.
          fc.constant(null).map(() =>
            caseFor(
              pick,
              (t) => ({
                request: {
                  method: t.route.method,
                  path: fill(t.route.path),
                  headers: JSON_TYPE,
                  body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
                },
                codes: ['request.invalid_utf8'],
              }),
              signed,
            ),
          ),
          // 3. A charset other than UTF-8 around a body the route would take.
          anyCharset
            .filter((c) => c.trim().toLowerCase() !== 'utf-8' && !/[;"\\\r\n]/.test(c.replace(/^"|"$/g, '')))
            .map((charset) =>
              caseFor(
                pick,
                (t) => ({
                  request: {
                    method: t.route.method,
                    path: fill(t.route.path),
                    headers: { 'content-type': `application/json; charset=${charset}` },
                    body: bodyFor(t) ?? json({}),
                  },
                  codes: ['request.unsupported_charset'],
                }),
                signed,
              ),
            ),
          // 4. Any Content-Encoding, over gzip, double gzip, corrupt or plain bytes.
          fc
            .tuple(
              anyEncoding.filter((e) => e.trim().toLowerCase() !== 'identity'),
              fc.nat(3),
            )
            .map(([encoding, shape]) =>
              caseFor(
                pick,
                (t) => {
                  const plain = bodyFor(t) ?? json({});
                  const body = [plain, gzip(plain), gzip(gzip(plain)), gzip(plain).subarray(0, 8)][shape];
                  return {
                    request: {
                      method: t.route.method,
                      path: fill(t.route.path),
                      headers: { ...JSON_TYPE, 'content-encoding': encoding },
                      body,
                    },
                    codes: ['request.unsupported_encoding'],
                  };
                },
                signed,
              ),
            ),
          // 5. Deep JSON (arrays or objects) in metadata of a body the route would take.
          fc.tuple(fc.integer({ min: 33, max: 12_000 }), fc.boolean()).map(([depth, objects]) =>
            caseFor(
              pick,
              (t) => {
                if (!WRITES.has(t.route.method)) return null;
                const text = JSON.stringify({ ...sampleBody(t.route), metadata: 0 }).replace(
                  '"metadata":0',
                  `"metadata":{"m":${nested(depth, objects)}}`,
                );
                return {
                  request: {
                    method: t.route.method,
                    path: fill(t.route.path),
                    headers: JSON_TYPE,
                    body: Buffer.from(text),
                  },
                  codes: ['request.too_deep'],
                };
              },
              signed,
            ),
          ),
          // Not JSON: form-encoded, text, multipart, none at all.
          anyMedia.map((media) =>
            caseFor(
              pick,
              (t) => ({
                request: {
                  method: t.route.method,
                  path: fill(t.route.path),
                  headers: media === null ? ({} as Record<string, string>) : { 'content-type': media },
                  body: bodyFor(t) ?? json({}),
                },
                codes: ['request.unsupported_media_type'],
              }),
              signed,
            ),
          ),
        ),
      )
      .filter((c): c is Case => c !== null);

  it('answers every generated bad request with a 4xx problem and changes no row (signed or not)', async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(badCases(fc.boolean()), async (c) => {
        await expectRefused(c.target.url, c.signed ? admin : null, c.request, c.codes);
      }),
      { numRuns: 400, interruptAfterTimeLimit: 40_000 },
    );
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('never answers 5xx to arbitrary text in any string field, and a refusal changes nothing but the nonce', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom(
        '\u202e',
        '\u2066x\u2069',
        '\u200b',
        '\ufeff',
        '\r\n',
        '\t',
        '😀',
        'é'.normalize('NFD'),
        "'; DROP TABLE x; --",
        '%00',
        '\\u0000',
        '../..',
        ' ',
      ),
      fc.string({ unit: 'grapheme', minLength: 300, maxLength: 3000 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(), text, fc.nat(), async (pick, value, where) => {
        const t = targets[pick % targets.length];
        const params = paramCount(t.route.path);
        const inPath = params > 0 && where % 3 === 0;
        const path = inPath ? fill(t.route.path, percentEncode(value), where % params) : fill(t.route.path);
        const body = WRITES.has(t.route.method)
          ? json(inPath ? sampleBody(t.route) : inject(sampleBody(t.route), value, where))
          : undefined;
        const before = await stateFingerprint(ctx().db, SCHEMAS, ['auth.nonces']);
        const res = await sendRaw(t.url, admin, {
          method: t.route.method,
          path,
          headers: { ...JSON_TYPE, 'idempotency-key': `fuzz-${where}` },
          body,
        });
        const what = `${t.route.method} ${path.slice(0, 100)} → ${res.status} ${res.text.slice(0, 200)}`;
        expect([what, res.status < 500]).toEqual([what, true]);
        if (res.status >= 400) {
          expect([what, PROBLEM.test(res.contentType)]).toEqual([what, true]);
          expect(await stateFingerprint(ctx().db, SCHEMAS, ['auth.nonces'])).toEqual(before);
        }
      }),
      { numRuns: 250, interruptAfterTimeLimit: 25_000 },
    );
  });
});
