// `npm run docs:errors`: writes docs/error-codes.md from every error catalogue (`*.errors.ts`).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ErrorEntry } from '@strongroom/shared-types';
import { loadCatalogues } from './error-catalogues';

export const ERROR_DOC = 'docs/error-codes.md';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The document, grouped by context and sorted by code, so it changes only when a catalogue does. */
export function renderErrorDoc(root: string): string {
  const byContext = new Map<string, { file: string; entries: ErrorEntry[] }>();
  for (const { file, entries } of loadCatalogues(root)) {
    for (const entry of entries) {
      const group = byContext.get(entry.context) ?? { file, entries: [] };
      group.entries.push(entry);
      byContext.set(entry.context, group);
    }
  }
  const lines = [
    '# Error codes',
    '',
    'Every API refusal is RFC 9457 problem+json whose `code` is one of these. Codes are stable:',
    'clients switch on them, and a code is never reused for another meaning. Generated from the',
    'error catalogues (`*.errors.ts`) by `npm run docs:errors`; a unit test fails when it is stale.',
    '',
  ];
  for (const [context, { file, entries }] of [...byContext].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(
      `## ${context}`,
      '',
      `Defined in \`${file}\`.`,
      '',
      '| code | status | meaning |',
      '| --- | --- | --- |',
    );
    for (const e of [...entries].sort((a, b) => a.code.localeCompare(b.code))) {
      const meaning = e.description ? `${e.title}. ${e.description}` : e.title;
      lines.push(`| \`${e.code}\` | ${e.status} | ${cell(meaning)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

if (path.resolve(process.argv[1] ?? '') === __filename) {
  const root = path.resolve(__dirname, '../../..');
  writeFileSync(path.join(root, ERROR_DOC), renderErrorDoc(root));
  console.log(`wrote ${ERROR_DOC}`);
}
