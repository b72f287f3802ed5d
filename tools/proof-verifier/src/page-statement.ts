import { terminalSafe } from './display';
import { byId, el, textOrFile } from './page-dom';
import { verifyUserStatement, type Checked, type UserStatement, type UserStatementOptions } from './statement';

/**
 * The page's check of a signed user statement (docs/proof-publication.md), with the outcomes of
 * `strongroom proof statement`: VALID against the publication key or the signed root document
 * entered, SELF-CONSISTENT ONLY without either, else invalid with the refusal code. Everything
 * the statement says passes terminalSafe, so bidi or control characters cannot reorder a balance.
 */

/** The trust field holds either the publication key (hex) or the signed root document (JSON). */
function statementTrust(): Pick<UserStatementOptions, 'key' | 'published'> {
  const text = byId('statement-trust').value.trim();
  if (text === '') return {};
  return text.startsWith('{') ? { published: text } : { key: text };
}

function setStatus(result: string, className: string, text: string): void {
  const status = byId('statement-status');
  status.setAttribute('data-result', result);
  status.className = className;
  status.textContent = text;
}

function showStatement(r: Checked<UserStatement>): void {
  const details = byId('statement-details');
  details.replaceChildren();
  if (r.outcome === 'invalid') {
    setStatus('invalid', 'invalid', `INVALID statement (${r.code})`);
    details.appendChild(el('p', terminalSafe(`at ${r.at}: ${r.reason}`), 'reason'));
    return;
  }
  const user = terminalSafe(r.userId);
  const snapshot = terminalSafe(r.snapshotId);
  if (r.outcome === 'valid')
    setStatus('valid', 'valid', `VALID: the custody states ${user} held these balances in snapshot ${snapshot}`);
  else setStatus('self-consistent', 'warning', 'SELF-CONSISTENT ONLY: signed by the key it names, not a trusted one');
  const table = el('table');
  const head = el('tr');
  for (const h of ['Asset', 'Your balance']) head.appendChild(el('th', h));
  table.appendChild(head);
  for (const a of r.assets) {
    const row = el('tr');
    row.setAttribute('data-asset', a);
    row.appendChild(el('td', terminalSafe(a)));
    row.appendChild(el('td', r.balances[a], 'balance'));
    table.appendChild(row);
  }
  details.appendChild(table);
  details.appendChild(el('p', `Snapshot ${snapshot}, taken ${r.snapshotTime}; issued ${r.issuedAt}`, 'snapshot'));
  details.appendChild(el('p', `Root: ${r.root}`, 'root'));
  details.appendChild(el('p', `Signed by: ${r.publicKey}`, 'root'));
  if (r.outcome === 'self_consistent')
    details.appendChild(
      el(
        'p',
        'Anyone can sign a statement with a key of their own. Enter the custody’s publication key or the signed ' +
          'root document it published, from a channel you trust, to check that the custody signed this one.',
        'warning',
      ),
    );
}

async function checkStatement(): Promise<void> {
  const input = await textOrFile('statement', 'statement-file');
  showStatement(verifyUserStatement(input, { userId: byId('statement-user').value, ...statementTrust() }));
}

byId('check-statement').addEventListener('click', () => void checkStatement());
