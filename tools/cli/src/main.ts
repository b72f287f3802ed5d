import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';

/**
 * The `strongroom` command. Each file in ./commands named `*.command.ts` exports
 * `register(program)` and adds its own sub-commands, so areas do not share this file.
 */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('strongroom')
    .description('Strongroom: custodial keys, balances and proofs')
    .showHelpAfterError()
    .exitOverride();
  const dir = path.join(__dirname, 'commands');
  for (const file of readdirSync(dir)
    .filter((f) => /\.command\.(ts|js)$/.test(f))
    .sort()) {
    const mod = (await import(path.join(dir, file))) as { register(program: Command): void };
    mod.register(program);
  }
  await program.parseAsync(argv);
}

// `node tools/run.js tools/cli/src/main.ts` loads this file with require, so also compare argv[1].
if (require.main === module || path.resolve(process.argv[1] ?? '') === __filename) {
  main(process.argv).catch((err: unknown) => {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
    if (typeof e.exitCode === 'number' && e.code?.startsWith('commander.')) process.exit(e.exitCode);
    console.error(`strongroom: ${e.message ?? String(err)}`);
    process.exit(1);
  });
}
