import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bytesToHex, commitmentMessage, contextMessage, hexToBytes, leafMessage, rootMessage } from './encoding';
import { FORMAT, type PublishedRootV2 } from './format';
import { sha256 } from './hash';
import {
  CUSTODY_SIGNATURE,
  ROOT_STATEMENT,
  USER_STATEMENT_FORMAT,
  rootStatementMessage,
  statementDigest,
  userStatementMessage,
  type UserStatementFields,
} from './statement';
import { loadVectors, negativeCases, type NegativeCase } from './testing/vectors';

/**
 * End to end: static/index.html + the committed static/verifier.js, served from 127.0.0.1 and
 * driven in Debian's headless Chromium. The committed vectors must pass, the negative ones get
 * the answer their vector states (bytes through the file input, text through the text area).
 */
const CHROMIUM = '/usr/bin/chromium';
const staticDir = path.resolve(__dirname, '../static');
type Small = {
  published: { root: string; assets: string[] };
  proofs: { userId: string; balances: Record<string, string> }[];
};
const small = [loadVectors<Small>('v1-small-tree.json'), loadVectors<Small>('v2-small-tree.json')];
// A published document alone has no place on the page: those cases are the CLI's and the library's.
const negative = ['v1-negative.json', 'v2-negative.json'].flatMap((f) =>
  negativeCases(f)
    .filter((c) => c.check !== 'published')
    .map((c) => [`${f.slice(0, 2)} ${c.name}`, c] as const),
);

// Statement fixtures signed by a fixed test key (never a custody key), as in statement.spec.ts.
const PRIVATE = hexToBytes('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');
const PUBLIC = bytesToHex(secp256k1.getPublicKey(PRIVATE, true));
const publishedV2 = loadVectors<PublishedRootV2>('v2-published.json');

function sign(message: Uint8Array): { r: string; s: string } {
  const sig = secp256k1.sign(statementDigest(message), PRIVATE, { prehash: false, lowS: true });
  return { r: sig.r.toString(16).padStart(64, '0'), s: sig.s.toString(16).padStart(64, '0') };
}

function userStatement(userId = 'acme/alice'): Record<string, unknown> {
  const fields: UserStatementFields = {
    snapshotId: publishedV2.snapshotId,
    snapshotTime: publishedV2.snapshotTime,
    root: publishedV2.root,
    userId,
    assets: publishedV2.assets,
    balances: { BTC: '150000000', ETH: '0', USDC: '42' },
    issuedAt: '2026-12-04T18:00:00.000Z',
  };
  const signature = sign(userStatementMessage(fields));
  return { format: USER_STATEMENT_FORMAT, version: 1, ...fields, publicKey: PUBLIC, signature };
}

const signedRoot = {
  ...publishedV2,
  attestations: [
    {
      type: CUSTODY_SIGNATURE,
      statement: ROOT_STATEMENT,
      publicKey: PUBLIC,
      ...sign(rootStatementMessage(publishedV2)),
    },
  ],
};

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`SKIPPED: ${CHROMIUM} not found; install it with: apt-get install -y chromium`);

(haveChromium ? describe : describe.skip)('proof verifier web page in headless Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const requested: string[] = [];

  beforeAll(async () => {
    const types: Record<string, string> = {
      '.html': 'text/html; charset=utf-8',
      '.js': 'text/javascript; charset=utf-8',
    };
    server = createServer((req, res) => {
      const name = req.url === '/' ? 'index.html' : (req.url ?? '').replace(/^\//, '');
      const file = path.join(staticDir, path.basename(name));
      if (!existsSync(file)) return void res.writeHead(404).end();
      res
        .writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' })
        .end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage();
    page.on('request', (r) => requested.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}/`);
    expect(errors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function verifyInPage(
    p: Page,
    c: Pick<NegativeCase, 'proof' | 'proofText' | 'proofBase64' | 'user' | 'root' | 'published' | 'publishedText'>,
  ): Promise<{ result: string | null; status: string }> {
    await p.setInputFiles('#proof-file', []);
    if (c.proofBase64 !== undefined) {
      await p.fill('#proof', '');
      await p.setInputFiles('#proof-file', {
        name: 'proof.json',
        mimeType: 'application/json',
        buffer: Buffer.from(c.proofBase64, 'base64'),
      });
    } else await p.fill('#proof', c.proofText ?? JSON.stringify(c.proof, null, 2));
    await p.fill('#user', c.user ?? '');
    const published = c.publishedText ?? (c.published === undefined ? undefined : JSON.stringify(c.published));
    await p.fill('#published', c.root ?? published ?? '');
    await p.evaluate(() => {
      const s = (
        globalThis as unknown as { document: { getElementById(id: string): { removeAttribute(n: string): void } } }
      ).document.getElementById('status');
      s.removeAttribute('data-result');
    });
    await p.click('#verify');
    await p.waitForSelector('#status[data-result]');
    return { result: await p.getAttribute('#status', 'data-result'), status: (await p.textContent('#status')) ?? '' };
  }

  it.each(small.flatMap((t, v) => t.proofs.map((p) => [v + 1, p.userId, p, t] as const)))(
    'shows the format %i proof of %s as valid with its balances, against the root and the document',
    async (_v, userId, proof, tree) => {
      for (const trusted of [{ root: tree.published.root }, { published: tree.published }]) {
        const r = await verifyInPage(page, { proof, user: userId, ...trusted });
        expect(r).toEqual({ result: 'valid', status: expect.stringContaining(userId) });
        for (const asset of tree.published.assets)
          expect(await page.textContent(`tr[data-asset="${asset}"] td.balance`)).toBe(proof.balances[asset]);
      }
    },
  );

  it.each(negative)('answers %s as its vector says', async (_name, c) => {
    const r = await verifyInPage(page, c);
    if (c.expect.outcome === 'invalid') {
      expect(r).toEqual({ result: 'invalid', status: `Invalid proof (${c.expect.code})` });
      expect(await page.textContent('#details .reason')).toMatch(new RegExp(`^${c.expect.subject}: `));
    } else expect(r.result).toBe(c.expect.outcome === 'valid' ? 'valid' : 'self-consistent');
  });

  it('says SELF-CONSISTENT ONLY, not valid, when no published root was entered', async () => {
    const proof = small[1].proofs[0];
    const r = await verifyInPage(page, { proof, user: proof.userId });
    expect(r).toEqual({
      result: 'self-consistent',
      status: 'SELF-CONSISTENT ONLY: not checked against a published root',
    });
    expect(await page.textContent('#details .warning')).toContain('only agrees with itself');
  });

  it('renders a hostile user id as text, not markup', async () => {
    // A valid one-leaf proof built with the spec's own encoding, so the user id is displayed.
    const userId = '<img src=x onerror="document.title=1">';
    const assets = ['BTC'];
    const snapshotTime = '2026-12-03T00:00:00.000Z';
    const context = sha256(contextMessage({ version: 2, snapshotId: 's', snapshotTime, assets }));
    const nonce = new Uint8Array(32).fill(9);
    const leaf = sha256(leafMessage(2, sha256(commitmentMessage(2, context, nonce, userId)), [5n]));
    const root = bytesToHex(sha256(rootMessage(2, context, 0, leaf, [5n])));
    const proof = {
      format: FORMAT,
      version: 2,
      kind: 'inclusion',
      snapshotId: 's',
      snapshotTime,
      assets,
      root,
      totals: { BTC: '5' },
      userId,
      nonce: bytesToHex(nonce),
      balances: { BTC: '5' },
      leafIndex: 0,
      path: [],
    };
    const r = await verifyInPage(page, { proof, user: userId, root });
    expect(r).toEqual({ result: 'valid', status: `Valid: ${userId} is included in snapshot s` });
    expect(await page.$('img')).toBeNull();
  });

  async function checkStatementInPage(
    p: Page,
    statement: unknown,
    user: string,
    trusted = '',
  ): Promise<{ result: string | null; status: string }> {
    await p.fill('#statement', JSON.stringify(statement, null, 2));
    await p.fill('#statement-user', user);
    await p.fill('#statement-trust', trusted);
    await p.evaluate(() => {
      const s = (
        globalThis as unknown as { document: { getElementById(id: string): { removeAttribute(n: string): void } } }
      ).document.getElementById('statement-status');
      s.removeAttribute('data-result');
    });
    await p.click('#check-statement');
    await p.waitForSelector('#statement-status[data-result]');
    return {
      result: await p.getAttribute('#statement-status', 'data-result'),
      status: (await p.textContent('#statement-status')) ?? '',
    };
  }

  it.each([
    ['the publication key', PUBLIC],
    ['the signed root document', JSON.stringify(signedRoot)],
  ])('shows a signed user statement as VALID with its balances against %s', async (_what, trusted) => {
    const r = await checkStatementInPage(page, userStatement(), 'acme/alice', trusted);
    expect(r).toEqual({
      result: 'valid',
      status: `VALID: the custody states acme/alice held these balances in snapshot ${publishedV2.snapshotId}`,
    });
    expect(await page.textContent('#statement-details tr[data-asset="BTC"] td.balance')).toBe('150000000');
    expect(await page.textContent('#statement-details tr[data-asset="USDC"] td.balance')).toBe('42');
  });

  it('refuses the statement checked for another user id, and a tampered balance', async () => {
    const other = await checkStatementInPage(page, userStatement(), 'acme/bob', PUBLIC);
    expect(other).toEqual({ result: 'invalid', status: 'INVALID statement (user_mismatch)' });
    expect(await page.textContent('#statement-details .reason')).toMatch(/^at \$\.userId: /);
    const st = userStatement();
    const richer = { ...st, balances: { BTC: '150000001', ETH: '0', USDC: '42' } };
    expect(await checkStatementInPage(page, richer, 'acme/alice', PUBLIC)).toEqual({
      result: 'invalid',
      status: 'INVALID statement (signature_invalid)',
    });
  });

  it('says SELF-CONSISTENT ONLY for a statement checked without a key or root document', async () => {
    const r = await checkStatementInPage(page, userStatement(), 'acme/alice');
    expect(r.result).toBe('self-consistent');
    expect(r.status).toMatch(/^SELF-CONSISTENT ONLY: /);
    expect(await page.textContent('#statement-details .warning')).toContain('publication key');
  });

  it('renders a hostile user id in a statement as text, not markup', async () => {
    const userId = '<img src=x onerror="document.title=1">';
    const r = await checkStatementInPage(page, userStatement(userId), userId, PUBLIC);
    expect(r.status).toContain(userId);
    expect(await page.$('img')).toBeNull();
  });

  it('loads nothing but the page and its script', () => {
    expect(new Set(requested)).toEqual(new Set([`${origin}/`, `${origin}/verifier.js`]));
  });
});
