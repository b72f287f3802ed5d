import { verifyProof, type VerifyOptions, type VerifyResult } from './verify';
import { byId, el, textOrFile } from './page-dom';
import './page-statement';

/**
 * The browser page (static/index.html): verifies a pasted or chosen proof entirely in the page,
 * with the same code as the CLI; page-statement.ts checks a signed user statement. Bundled into
 * static/verifier.js by build/bundle-page.ts.
 */

/** The published field holds either the root (hex) or the whole published document (JSON). */
function trust(): Pick<VerifyOptions, 'expectedRoot' | 'published'> {
  const text = byId('published').value.trim();
  if (text === '') return {};
  return text.startsWith('{') ? { published: text } : { expectedRoot: text };
}

function show(result: VerifyResult): void {
  const status = byId('status');
  const details = byId('details');
  details.replaceChildren();
  if (result.outcome === 'invalid') {
    status.setAttribute('data-result', 'invalid');
    status.className = 'invalid';
    status.textContent = `Invalid proof (${result.code})`;
    details.appendChild(el('p', `${result.subject}: ${result.reason}`, 'reason'));
    return;
  }
  const valid = result.outcome === 'valid';
  status.setAttribute('data-result', valid ? 'valid' : 'self-consistent');
  status.className = valid ? 'valid' : 'warning';
  status.textContent = valid
    ? `Valid: ${result.userId} is included in snapshot ${result.snapshotId}`
    : 'SELF-CONSISTENT ONLY: not checked against a published root';
  const table = el('table');
  const head = el('tr');
  for (const h of ['Asset', 'Your balance', 'Total liabilities']) head.appendChild(el('th', h));
  table.appendChild(head);
  for (const a of result.assets) {
    const row = el('tr');
    row.setAttribute('data-asset', a);
    row.appendChild(el('td', a));
    row.appendChild(el('td', result.balances[a], 'balance'));
    row.appendChild(el('td', result.totals[a], 'total'));
    table.appendChild(row);
  }
  details.appendChild(table);
  const time = result.snapshotTime ? `, taken ${result.snapshotTime}` : '';
  details.appendChild(el('p', `Snapshot ${result.snapshotId}${time}; format version ${result.version}`, 'snapshot'));
  details.appendChild(el('p', `Root: ${result.root}`, 'root'));
  if (!valid) {
    details.appendChild(
      el(
        'p',
        'The proof only agrees with itself, which whoever made it can always arrange. Enter the root or the ' +
          'document the operator published, from a channel you trust, to check that your balances are counted.',
        'warning',
      ),
    );
    return;
  }
  details.appendChild(
    el('p', `The proof leads to the published ${result.checkedAgainst.join(' and ')} you entered.`, 'note'),
  );
  if (result.uncheckedAttestations.length > 0)
    details.appendChild(
      el('p', `Not checked by this page: ${result.uncheckedAttestations.join(', ')}.`, 'attestations'),
    );
}

async function run(): Promise<void> {
  const userId = byId('user').value;
  show(verifyProof(await textOrFile('proof', 'proof-file'), { userId, ...trust() }));
}

byId('verify').addEventListener('click', () => void run());
