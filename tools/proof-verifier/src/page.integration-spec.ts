import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bytesToHex, commitmentMessage, contextMessage, leafMessage, rootMessage } from './encoding';
import { FORMAT, VERSION } from './format';
import { sha256 } from './hash';

/**
 * End to end: static/index.html + the committed static/verifier.js, served from 127.0.0.1 and
 * driven in Debian's headless Chromium. The committed vectors must pass and the tampered ones fail.
 */
const CHROMIUM = '/usr/bin/chromium';
const staticDir = path.resolve(__dirname, '../static');
const vectors = path.resolve(__dirname, '../vectors');
const small = JSON.parse(readFileSync(path.join(vectors, 'v1-small-tree.json'), 'utf8')) as {
  published: { root: string; assets: string[] };
  proofs: { userId: string; balances: Record<string, string> }[];
};
const negative = JSON.parse(readFileSync(path.join(vectors, 'v1-negative.json'), 'utf8')) as {
  cases: { name: string; proof: unknown; expectedRoot?: string; code: string }[];
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
    proof: unknown,
    root?: string,
  ): Promise<{ result: string | null; status: string }> {
    await p.fill('#proof', JSON.stringify(proof, null, 2));
    await p.fill('#root', root ?? '');
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

  it.each(small.proofs.map((p, i) => [p.userId, i] as const))(
    'shows the proof of %s as valid with its balances',
    async (userId, i) => {
      const proof = small.proofs[i];
      const r = await verifyInPage(page, proof, small.published.root);
      expect(r).toEqual({ result: 'valid', status: expect.stringContaining(userId) });
      for (const asset of small.published.assets) {
        expect(await page.textContent(`tr[data-asset="${asset}"] td.balance`)).toBe(proof.balances[asset]);
      }
    },
  );

  it.each(negative.cases.map((c) => [c.name, c] as const))('shows %s as invalid', async (_name, c) => {
    const r = await verifyInPage(page, c.proof, c.expectedRoot);
    expect(r).toEqual({ result: 'invalid', status: `Invalid proof (${c.code})` });
    expect(await page.textContent('#details .reason')).toBeTruthy();
  });

  it('warns when no published root was entered', async () => {
    const r = await verifyInPage(page, small.proofs[0]);
    expect(r.result).toBe('valid');
    expect(await page.textContent('#details .warning')).toContain('compare the root');
  });

  it('renders a hostile user id as text, not markup', async () => {
    // A valid one-leaf proof built with the spec's own encoding, so the user id is displayed.
    const userId = '<img src=x onerror="document.title=1">';
    const assets = ['BTC'];
    const context = sha256(contextMessage('s', assets));
    const nonce = new Uint8Array(32).fill(9);
    const leaf = sha256(leafMessage(sha256(commitmentMessage(context, nonce, new TextEncoder().encode(userId))), [5n]));
    const root = bytesToHex(sha256(rootMessage(context, 0, leaf, [5n])));
    const proof = {
      format: FORMAT,
      version: VERSION,
      snapshotId: 's',
      assets,
      root,
      totals: { BTC: '5' },
      userId,
      nonce: bytesToHex(nonce),
      balances: { BTC: '5' },
      leafIndex: 0,
      path: [],
    };
    const r = await verifyInPage(page, proof, root);
    expect(r).toEqual({ result: 'valid', status: `Valid: ${userId} is included in snapshot s` });
    expect(await page.$('img')).toBeNull();
  });

  it('loads nothing but the page and its script', () => {
    expect(new Set(requested)).toEqual(new Set([`${origin}/`, `${origin}/verifier.js`]));
  });
});
