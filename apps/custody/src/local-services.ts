import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAnvil, type Anvil } from '@strongroom/testing/anvil';
import { startBitcoinRegtest, type BitcoinRegtest } from '@strongroom/testing/bitcoin-regtest';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/testing/kms';

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

/** Starts them in order, stopping what already runs if a later one fails. */
export async function startLocalServices(dataDir: string, opts: { kmsLocalSecret?: string; log: (line: string) => void }): Promise<LocalServices> {
  const dirs = { kms: path.join(dataDir, 'kms'), bitcoin: path.join(dataDir, 'bitcoin'), anvil: path.join(dataDir, 'anvil') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const started: { name: string; stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch((err: unknown) => opts.log(`stopping ${s.name}: ${(err as Error).message}`));
    started.length = 0;
  };
  try {
    const kms = await startKmsLocal({ dataDir: path.join(dirs.kms, 'keys'), secret: kmsSecret(dirs.kms, opts.kmsLocalSecret) });
    started.push({ name: 'kms-local', stop: () => kms.stop() });
    opts.log(`kms-local       ${kms.endpoint}  (keys in ${path.join(dirs.kms, 'keys')})`);

    const bitcoin = await startBitcoinRegtest({ dataDir: dirs.bitcoin, port: 0 });
    started.push({ name: 'bitcoin regtest', stop: () => bitcoin.stop() });
    opts.log(`bitcoin regtest ${bitcoin.rpcUrl}  (bcoin, height ${bitcoin.height()}, chain in ${dirs.bitcoin})`);

    // --state-interval: a crash loses at most 5 s of the Ethereum chain, not all of it.
    const anvil = await startAnvil({ port: 0, stateFile: path.join(dirs.anvil, 'state.json'), args: ['--state-interval', '5'] });
    started.push({ name: 'anvil', stop: () => anvil.stop() });
    opts.log(`anvil           ${anvil.rpcUrl}  (chain id ${anvil.chainId}, height ${await anvil.height()}, state in ${dirs.anvil})`);
    return { kms, bitcoin, anvil, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
