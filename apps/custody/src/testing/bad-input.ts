// Test fixture (not part of the app): raw HTTP requests with exact bytes, signed or not, and the
// generators of bad input the bad-input property test sends to every route.
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  canonicalRequest,
  newNonce,
  sha256Hex,
  signCanonical,
  signingKeyOf,
  type ApiCredentials,
} from '@strongroom/api-auth';
import type { Database } from '@strongroom/persistence';

export interface RawRequest {
  method: string;
  /** Path and query exactly as they go on the request line (already percent-encoded). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

/** Sends exactly these bytes; signs them (path, body) when `who` is given. */
export function sendRaw(baseUrl: string, who: ApiCredentials | null, r: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { ...r.headers };
  if (r.body !== undefined) headers['content-length'] = String(r.body.length);
  if (who) {
    const ts = String(Date.now());
    const nonce = newNonce();
    headers['x-strongroom-key'] = who.keyId;
    headers['x-strongroom-timestamp'] = ts;
    headers['x-strongroom-nonce'] = nonce;
    headers['x-strongroom-signature'] = signCanonical(
      signingKeyOf(who.secret),
      canonicalRequest(r.method, r.path, ts, nonce, sha256Hex(r.body)),
    );
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          text: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Percent-encodes any JS string, lone surrogates as their (invalid) 3-byte UTF-8 form. */
export function percentEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pair) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(s[i]);
  }
  return out;
}

/** One character no text field may hold, and the codes the platform refuses it with. */
export type BadChar = { char: string; kind: 'nul' | 'surrogate' | 'control' };
export const badChar: fc.Arbitrary<BadChar> = fc.oneof(
  fc.constant<BadChar>({ char: '\u0000', kind: 'nul' }),
  fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff').map((char): BadChar => ({ char, kind: 'surrogate' })),
  fc
    .oneof(
      fc.integer({ min: 0x01, max: 0x08 }),
      fc.constantFrom(0x0b, 0x0c),
      fc.integer({ min: 0x0e, max: 0x1f }),
      fc.integer({ min: 0x7f, max: 0x9f }),
    )
    .map((c): BadChar => ({ char: String.fromCharCode(c), kind: 'control' })),
);
export const BODY_CODES: Record<BadChar['kind'], string> = {
  nul: 'request.nul_character',
  surrogate: 'request.lone_surrogate',
  control: 'request.control_character',
};
// In a URL a lone surrogate can only arrive as invalid UTF-8, which does not decode.
export const URL_CODES: Record<BadChar['kind'], string> = {
  nul: 'request.nul_character',
  surrogate: 'request.malformed_url',
  control: 'request.control_character',
};

// eslint-disable-next-line no-control-regex
const ANY_BAD = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** Text of any plane with nothing the platform refuses. */
export const cleanString = (maxLength: number) =>
  fc.string({ unit: 'binary', maxLength }).filter((s) => !ANY_BAD.test(s));

/** Clean text with exactly one bad character somewhere in it (so the answer's code is known). */
export const badString: fc.Arbitrary<{ text: string; kind: BadChar['kind'] }> = fc
  .tuple(cleanString(12), badChar, cleanString(12))
  .map(([a, bad, b]) => ({ text: a + bad.char + b, kind: bad.kind }));

/** A JSON value nested `depth` levels (arrays or objects), built without recursion. */
export function nested(depth: number, objects: boolean): string {
  return objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** Puts `value` into a copy of `body`: replacing a field, as a new member name, or deep in metadata. */
export function inject(body: Record<string, unknown>, value: string, where: number): Record<string, unknown> {
  const keys = Object.keys(body);
  const copy: Record<string, unknown> = { ...body };
  const mode = where % 4;
  if (mode === 0 && keys.length > 0) copy[keys[where % keys.length]] = value;
  else if (mode === 1) copy[value] = 'x';
  else if (mode === 2) copy.metadata = { note: { list: [1, value] } };
  else copy.reason = value;
  return copy;
}

export const gzip = (b: Buffer) => gzipSync(b);

/**
 * A cheap fingerprint of every row the service stores: per table, a count and an md5 over its rows
 * as text in a fixed order. Two equal fingerprints mean nothing was inserted, updated or deleted.
 */
export async function stateFingerprint(
  db: Database,
  schemas: readonly string[],
  except: readonly string[] = [],
): Promise<Record<string, string>> {
  const tables = await db.query<{ s: string; t: string }>(
    `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema = ANY($1::text[]) ORDER BY 1, 2`,
    [schemas],
  );
  const wanted = tables.filter((x) => !except.includes(`${x.s}.${x.t}`));
  const sql = wanted
    .map(
      (x) =>
        `SELECT '${x.s}.${x.t}' AS k, count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '') AS v FROM "${x.s}"."${x.t}" r`,
    )
    .join(' UNION ALL ');
  const rows = await db.query<{ k: string; v: string }>(sql);
  return Object.fromEntries(rows.map((r) => [r.k, r.v]));
}
