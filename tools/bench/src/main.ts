import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm run bench -- <suite>...`: runs benchmark suites from ./suites (`<name>.bench.ts`, each
 * exporting `run(): Promise<void>` that prints a table). No argument runs every suite.
 */
async function main(): Promise<void> {
  const dir = path.join(__dirname, 'suites');
  const available = readdirSync(dir)
    .filter((f) => /\.bench\.(ts|js)$/.test(f))
    .map((f) => f.replace(/\.bench\.(ts|js)$/, ''))
    .sort();
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length > 0) {
    console.error(`unknown suite(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
    process.exit(2);
  }
  for (const name of wanted.length > 0 ? wanted : available) {
    console.log(`\n## ${name}\n`);
    const mod = (await import(path.join(dir, `${name}.bench`))) as { run(args: string[]): Promise<void> };
    await mod.run(process.argv.slice(2));
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
