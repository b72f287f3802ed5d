import { verifyProof } from './verify';

/**
 * The browser page (static/index.html): verifies a pasted proof entirely in the page, with the
 * same code as the CLI. Bundled into static/verifier.js by build/bundle-page.ts. Only the few DOM
 * members used are typed here, so the repository's TypeScript setup needs no DOM library.
 */
interface Element {
  value: string;
  textContent: string | null;
  hidden: boolean;
  className: string;
  setAttribute(name: string, value: string): void;
  appendChild(child: Element): Element;
  replaceChildren(...children: Element[]): void;
  addEventListener(type: string, listener: () => void): void;
}
interface Document {
  getElementById(id: string): Element | null;
  createElement(tag: string): Element;
}

const doc = (globalThis as unknown as { document: Document }).document;

function byId(id: string): Element {
  const el = doc.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
}

function el(tag: string, text?: string, className?: string): Element {
  const e = doc.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function run(): void {
  const status = byId('status');
  const details = byId('details');
  const root = byId('root').value.trim();
  const result = verifyProof(byId('proof').value, root ? { expectedRoot: root } : {});
  details.replaceChildren();
  if (!result.valid) {
    status.setAttribute('data-result', 'invalid');
    status.className = 'invalid';
    status.textContent = `Invalid proof (${result.code})`;
    details.appendChild(el('p', result.reason, 'reason'));
    return;
  }
  status.setAttribute('data-result', 'valid');
  status.className = 'valid';
  status.textContent = `Valid: ${result.userId} is included in snapshot ${result.snapshotId}`;
  const table = el('table');
  const head = el('tr');
  for (const h of ['Asset', 'Your balance', 'Total liabilities']) head.appendChild(el('th', h));
  table.appendChild(head);
  for (const a of result.assets) {
    const row = el('tr');
    row.setAttribute('data-asset', a);
    row.appendChild(el('td', a));
    row.appendChild(el('td', result.balances[a], 'balance'));
    row.appendChild(el('td', result.totals[a]));
    table.appendChild(row);
  }
  details.appendChild(table);
  details.appendChild(el('p', `Root: ${result.root}`, 'root'));
  details.appendChild(
    el(
      'p',
      result.rootChecked
        ? 'The proof leads to the published root you entered.'
        : 'No published root entered: the proof is consistent, but compare the root above with the one the operator published.',
      result.rootChecked ? 'note' : 'warning',
    ),
  );
}

byId('verify').addEventListener('click', run);
