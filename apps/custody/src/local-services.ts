import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { startBitcoinRegtest, type BitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';

/** The local stand-ins for AWS KMS and the two chains, each keeping its state under the data dir. */
export interface LocalServices {
  kms: KmsLocalHandle;
  bitcoin: BitcoinRegtest;
  anvil: Anvil;
  stop(): Promise<void>;
}

/**
 * kms-local encrypts its key files with a secret. With none given we make a random one on first
 * start and keep it beside the keys (0600): the data dir is a development wallet, and a fixed
 * public secret would make every checkout's keys readable by anyone with the files anyway.
 */
function kmsSecret(dir: string, given: string | undefined): string {
  if (given) return given;
  const file = path.join(dir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * anvil is a child process: if this process was killed (SIGKILL, OOM) it keeps running, and with
 * `--state-interval` it would go on writing its (stale) state over the next anvil's file. Its pid
 * is kept beside the state; at start, a still-running previous anvil of this data dir is stopped
 * with SIGTERM first (it then writes its latest state, which the new one loads).
 */
async function stopOrphanAnvil(pidFile: string, stateFile: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // gone (or no /proc: nothing we can check safely)
  }
  // Only the anvil this data dir started: same binary name and same state file.
  if (!cmdline.includes('anvil') || !cmdline.includes(stateFile)) return;
  log(`anvil           stopping pid ${pid}, left running by a previous start that did not shut down`);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  throw new Error(`a previous anvil (pid ${pid}) on ${stateFile} does not stop; stop it and start again`);
}

/** Starts them in order, stopping what already runs if a later one fails. */
export async function startLocalServices(
  dataDir: string,
  opts: { kmsLocalSecret?: string; log: (line: string) => void },
): Promise<LocalServices> {
  const dirs = {
    kms: path.join(dataDir, 'kms'),
    bitcoin: path.join(dataDir, 'bitcoin'),
    anvil: path.join(dataDir, 'anvil'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const started: { name: string; stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const s of started.reverse())
      await s.stop().catch((err: unknown) => opts.log(`stopping ${s.name}: ${(err as Error).message}`));
    started.length = 0;
  };
  try {
    const kms = await startKmsLocal({
      dataDir: path.join(dirs.kms, 'keys'),
      secret: kmsSecret(dirs.kms, opts.kmsLocalSecret),
    });
    started.push({ name: 'kms-local', stop: () => kms.stop() });
    opts.log(`kms-local       ${kms.endpoint}  (keys in ${path.join(dirs.kms, 'keys')})`);

    const bitcoin = await startBitcoinRegtest({ dataDir: dirs.bitcoin, port: 0 });
    started.push({ name: 'bitcoin regtest', stop: () => bitcoin.stop() });
    opts.log(`bitcoin regtest ${bitcoin.rpcUrl}  (bcoin, height ${bitcoin.height()}, chain in ${dirs.bitcoin})`);

    const stateFile = path.join(dirs.anvil, 'state.json');
    const pidFile = path.join(dirs.anvil, 'anvil.pid');
    await stopOrphanAnvil(pidFile, stateFile, opts.log);
    // --state-interval: a crash loses at most 5 s of the Ethereum chain, not all of it.
    const anvil = await startAnvil({ port: 0, stateFile, args: ['--state-interval', '5'] });
    writeFileSync(pidFile, `${anvil.pid}\n`);
    started.push({
      name: 'anvil',
      stop: async () => {
        await anvil.stop();
        rmSync(pidFile, { force: true });
      },
    });
    opts.log(
      `anvil           ${anvil.rpcUrl}  (chain id ${anvil.chainId}, height ${await anvil.height()}, state in ${dirs.anvil})`,
    );
    return { kms, bitcoin, anvil, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
