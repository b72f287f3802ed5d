import { Command } from 'commander';
import { MUTATIONS, type Mutation } from './mutations';
import { simulate, type SimResult } from './simulation';

/**
 * `npm run simulate -- --seed 42` replays one seed (with `--verbose`, every step);
 * `npm run simulate -- --seeds 1000` runs seeds 1..1000 (or `--from N`), printing each failure
 * with the command that replays it. Exits 1 if any seed failed.
 */
async function main(): Promise<void> {
  const program = new Command('simulate')
    .option('--seed <n>', 'run this one seed', (v) => Number.parseInt(v, 10))
    .option('--seeds <n>', 'run this many seeds', (v) => Number.parseInt(v, 10))
    .option('--from <n>', 'first seed of --seeds', (v) => Number.parseInt(v, 10), 1)
    .option('--steps <n>', 'steps per seed', (v) => Number.parseInt(v, 10), 400)
    .option('--mutation <name>', `a deliberately broken rule (${MUTATIONS.join(', ')})`)
    .option('--strict', 'known regressions fail too', false)
    .option('--check-every <n>', 'run the per-step invariants every n steps', (v) => Number.parseInt(v, 10), 1)
    .option('--verbose', 'print every step', false)
    .option('--stats', "print each seed's counters", false)
    .parse();
  const o = program.opts<{
    seed?: number;
    seeds?: number;
    from: number;
    steps: number;
    mutation?: string;
    strict: boolean;
    checkEvery: number;
    verbose: boolean;
    stats: boolean;
  }>();
  if (o.mutation && !(MUTATIONS as readonly string[]).includes(o.mutation))
    throw new Error(`unknown mutation ${o.mutation}`);
  const seeds = o.seed !== undefined ? [o.seed] : Array.from({ length: o.seeds ?? 10 }, (_, i) => o.from + i);
  let failed = 0;
  let steps = 0;
  const started = Date.now();
  const known = new Map<string, number>();
  for (const seed of seeds) {
    const r = await simulate({
      seed,
      steps: o.steps,
      mutation: o.mutation as Mutation | undefined,
      strict: o.strict,
      checkEvery: o.checkEvery,
      onLine: o.verbose ? (l) => console.log(l) : undefined,
    });
    steps += o.steps;
    for (const k of r.known) known.set(k.code, (known.get(k.code) ?? 0) + 1);
    if (!r.ok) failed++;
    report(r, o);
    if (o.stats) console.log(JSON.stringify({ stats: r.stats, crashes: r.crashes }));
  }
  const secs = (Date.now() - started) / 1000;
  console.log(
    `${seeds.length} seeds, ${failed} failed, ${steps} steps in ${secs.toFixed(1)} s (${(steps / secs).toFixed(0)} steps/s)`,
  );
  for (const [code, n] of known) console.log(`known regression ${code}: in ${n} seed(s)`);
  process.exitCode = failed > 0 ? 1 : 0;
}

function report(r: SimResult, o: { steps: number; mutation?: string; strict?: boolean }): void {
  const replay = `npm run simulate -- --seed ${r.seed} --steps ${o.steps}${o.mutation ? ` --mutation ${o.mutation}` : ''}${o.strict ? ' --strict' : ''}`;
  if (r.ok) {
    console.log(
      `seed ${r.seed} ok in ${r.elapsedMs} ms, trace ${r.traceHash.slice(0, 12)}, ${r.stats.restart ?? 0} restarts${r.known.length ? `, ${r.known.length} known` : ''}`,
    );
    return;
  }
  console.log(`seed ${r.seed} FAILED at step ${r.failedAt}:`);
  for (const v of r.violations) console.log(`  ${v.code}: ${v.detail}`);
  console.log('  last steps:');
  for (const l of r.trace.slice(-15)) console.log(`    ${l}`);
  console.log(`  replay: ${replay} --verbose`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
