// Fails on functions over 80 lines and files over 400 lines that carry no "long because …"
// comment saying why. Specs are checked for functions only: a suite reads top to bottom.
// Migrations are left out: a released migration is history and is never edited.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LONG_MARKER, longCodeIn, MAX_FILE_LINES, MAX_FUNCTION_LINES, type LongCode } from './long-code';
import { isSpec, listTsFiles } from './projects';

const CHECKED = ['apps', 'libs', 'tools'];
const isMigration = (file: string) =>
  file.includes(`${path.sep}migrations${path.sep}`) || /migration[^/]*\.ts$/.test(file);

export function findLongCode(root: string): LongCode[] {
  const found: LongCode[] = [];
  for (const dir of CHECKED) {
    for (const file of listTsFiles(path.join(root, dir), (f) => !isMigration(f))) {
      const relative = path.relative(root, file);
      found.push(
        ...longCodeIn(file, undefined, isSpec(file))
          .filter((item) => !(isSpec(file) && item.name === '(file)'))
          .map((item) => ({ ...item, file: relative })),
      );
    }
  }
  return found;
}

export const formatLongCode = (item: LongCode): string =>
  `${item.file}:${item.line} ${item.name} is ${item.lines} lines (limit ${
    item.name === '(file)' ? MAX_FILE_LINES : MAX_FUNCTION_LINES
  })`;

const BASELINE = path.join(__dirname, '..', 'long-code-baseline.json');
const keyOf = (item: LongCode) => `${item.file} ${item.name}`;

/** Long code that predates this check, listed so lint fails only on new long code; it only shrinks. */
export function readBaseline(file = BASELINE): Set<string> {
  return new Set((JSON.parse(readFileSync(file, 'utf8')) as { known: string[] }).known);
}

// Run directly (node tools/run.js tools/lint/src/long-code-check.ts), not when a spec imports it.
if (path.resolve(process.argv[1] ?? '') === __filename) {
  const all = findLongCode(path.resolve(__dirname, '../../..'));
  const baseline = readBaseline();
  const unexplained = all.filter((item) => !item.justified);
  const offenders = unexplained.filter((item) => !baseline.has(keyOf(item)));
  const present = new Set(unexplained.map(keyOf));
  for (const gone of [...baseline].filter((key) => !present.has(key))) {
    console.log(`long code: "${gone}" is no longer long; remove it from ${path.relative(process.cwd(), BASELINE)}`);
  }
  for (const item of offenders) console.error(formatLongCode(item));
  if (offenders.length > 0) {
    console.error(
      `${offenders.length} long function(s)/file(s): split them, or say why in a comment right above ` +
        `(matching ${LONG_MARKER}).`,
    );
    process.exit(1);
  }
  console.log(`long code: ${all.length - unexplained.length} explained, ${unexplained.length} known (baseline)`);
}
