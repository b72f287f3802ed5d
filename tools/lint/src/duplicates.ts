// Copy-paste check: runs jscpd with .jscpd.json and fails when it finds more clone pairs than
// tools/lint/duplicates-limit.json allows (jscpd's own threshold is a percentage, which a big
// codebase would let grow unnoticed). `--list` prints every pair, largest first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

interface Fragment {
  name: string;
  start: number;
  end: number;
}
export interface ClonePair {
  lines: number;
  tokens: number;
  firstFile: Fragment;
  secondFile: Fragment;
}

const ROOT = path.resolve(__dirname, '../../..');

export function findClones(root = ROOT): ClonePair[] {
  const out = mkdtempSync(path.join(tmpdir(), 'jscpd-'));
  try {
    const bin = path.join(root, 'node_modules', '.bin', 'jscpd');
    const args = ['--config', '.jscpd.json', '--reporters', 'json', '--output', out, '--silent', '.'];
    // Piped, not inherited: jscpd announces its config on stderr; a failure carries it in the error.
    execFileSync(bin, args, { cwd: root, stdio: 'pipe' });
    const report = JSON.parse(readFileSync(path.join(out, 'jscpd-report.json'), 'utf8')) as {
      duplicates: ClonePair[];
    };
    return report.duplicates.sort((a, b) => b.lines - a.lines || b.tokens - a.tokens);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export const formatClone = (c: ClonePair): string =>
  `${c.lines} lines: ${c.firstFile.name}:${c.firstFile.start}-${c.firstFile.end} = ` +
  `${c.secondFile.name}:${c.secondFile.start}-${c.secondFile.end}`;

if (path.resolve(process.argv[1] ?? '') === __filename) {
  const { maxClones } = JSON.parse(readFileSync(path.join(__dirname, '..', 'duplicates-limit.json'), 'utf8')) as {
    maxClones: number;
  };
  const clones = findClones();
  if (process.argv.includes('--list')) for (const clone of clones) console.log(formatClone(clone));
  if (clones.length > maxClones) {
    for (const clone of clones.slice(0, 10)) console.error(formatClone(clone));
    console.error(
      `duplicates: ${clones.length} clone pairs, limit ${maxClones}. Extract the shared part ` +
        '(largest first above; `npm run duplicates` lists all).',
    );
    process.exit(1);
  }
  if (clones.length < maxClones) {
    console.log(`duplicates: ${clones.length} clone pairs; lower maxClones in tools/lint/duplicates-limit.json`);
  } else console.log(`duplicates: ${clones.length} clone pairs (limit ${maxClones})`);
}
