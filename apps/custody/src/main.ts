import 'reflect-metadata';
import { custodyEnv, loadConfigOrExit } from '@strongroom/shared-config';
import { loadCustodyConfig } from './custody-config';
import { lockDataDir } from './data-dir-lock';
import type { RunningCustody } from './start-custody';

/**
 * `npm start`: the embedded default. Ledger, deposit watcher and withdrawal signer in this one
 * process on PGlite under STRONGROOM_DATA_DIR (./data), with kms-local, a bcoin regtest node and
 * anvil on loopback. First start: key ceremony, Safe, wallets, and two admin API keys (distinct owners) shown once.
 * Logs are JSON at LOG_LEVEL (default here: warn, so the banner stays readable).
 */
async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  // The AWS SDK warns that its releases from 2027 need Node 22; this workspace pins its own
  // SDK version and runs on Node 20 (the version this repository supports), so the banner would only bury the output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  loadConfigOrExit(custodyEnv); // LOG_LEVEL and the rest, before the key ceremony or the Safe (exit 2)
  const config = loadCustodyConfig();
  const log = (line: string) => console.log(line);
  log(`Strongroom custody (embedded default) — data directory ${config.dataDir}`);

  let running: RunningCustody | null = null;
  let stopping = false;
  // A signal while starting waits for the start to finish (or fail and clean up), then stops.
  let starting: Promise<unknown> = Promise.resolve();
  const stop = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log(`\n${why}: shutting down (apps, nodes, kms-local, database)…`);
    const timer = setTimeout(() => {
      console.error('shutdown took longer than 30 s; exiting anyway');
      process.exit(code || 1);
    }, 30_000);
    timer.unref();
    await starting.catch(() => undefined);
    await running?.close();
    log('stopped.');
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        console.error(`second ${signal}: exiting now`);
        process.exit(1);
      }
      void stop(signal, 0);
    });
  }

  // Locked before the heavy modules load: a second process on this data dir is refused at once.
  const release = lockDataDir(config.dataDir);
  const start = import('./start-custody').then(({ startCustody }) => startCustody(config, log, { release }));
  starting = start;
  running = await start;
  if (stopping) return; // stop() is waiting for this start and closes it

  const { firstAdmins, setup, apis } = running;
  log('');
  if (setup.created.length > 0) {
    log('First start — created:');
    for (const c of setup.created) log(`  • ${c}`);
  }
  log(`Custody wallets (2-of-3, keys in kms-local):`);
  log(`  bitcoin   ${setup.bitcoin.wallet.id}`);
  log(`  ethereum  ${setup.ethereum.wallet.id}  Safe ${setup.ethereum.safe}`);
  if (firstAdmins) {
    log('');
    log('Admin API keys — shown ONCE, store them now (they are kept only hashed). Give them to two');
    log('people: what moves risk is proposed by one admin and approved by the other (POST /v1/changes/:id/approve).');
    for (const k of firstAdmins) {
      log(`  owner:  ${k.owner}`);
      log(`  keyId:  ${k.keyId}`);
      log(`  secret: ${k.secret}`);
    }
    log('  Mint backend / auditor keys with either: POST /v1/auth/keys on the ledger API.');
  }
  log('');
  const width = Math.max(...apis.map((a) => a.name.length));
  for (const a of apis) log(`${a.name.padEnd(width)} API  ${a.url}   docs ${a.url}/docs   health ${a.url}/health`);
  log('');
  log('Ready. Ctrl-C stops everything; state survives in the data directory. Walkthrough: docs/walkthrough.md');
}

main().catch(async (err: unknown) => {
  console.error(`\ncustody failed to start: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env.DEBUG && err instanceof Error) console.error(err.stack);
  process.exit(1);
});
