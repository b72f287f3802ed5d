import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { BitcoinNetworkName } from '@strongroom/chains-bitcoin';
import { depositsContext } from '@strongroom/deposits';
import { KeyRegistry, KmsSigner, keysContext, kmsConfigFromEnv } from '@strongroom/keys';
import { defaultDataDir, openDatabase } from '@strongroom/persistence';
import { buildRecoveryBody } from '../recovery/build-recovery-body';
import { signRecoveryFile } from '../recovery/sign-recovery-file';

const network = (raw: string): BitcoinNetworkName => {
  if (!['mainnet', 'testnet', 'regtest'].includes(raw))
    throw new InvalidArgumentError('must be mainnet, testnet or regtest');
  return raw as BitcoinNetworkName;
};

/**
 * `strongroom recovery export --out <file>`: the signed file tools/recovery moves every coin
 * from without Strongroom. Reads DATABASE_URL or the data directory (its lock, as every command),
 * signs with the wallets' KMS keys (KMS_ENDPOINT, AWS_REGION, credentials).
 */
export function register(program: Command): void {
  const recovery = program.command('recovery').description('recovery without Strongroom: the offline recovery file');
  recovery
    .command('export')
    .description("write every wallet, key handle, script and deposit address, signed by the wallets' KMS keys")
    .requiredOption('--out <file>', 'where to write the file (store it offline)')
    .option('--network <network>', 'Bitcoin network of the addresses: mainnet, testnet or regtest', network, 'mainnet')
    .action(async (o: { out: string; network: BitcoinNetworkName }) => {
      const url = process.env.DATABASE_URL;
      const contexts = [keysContext, depositsContext];
      const db = await openDatabase(
        url ? { databaseUrl: url, contexts, poolSize: 2 } : { dataDir: defaultDataDir(), contexts },
      );
      const signer = new KmsSigner(kmsConfigFromEnv());
      try {
        const body = await buildRecoveryBody(db, new KeyRegistry(db), o.network);
        const { text, digest } = await signRecoveryFile(body, signer, (l) => console.error(l));
        writeFileSync(o.out, text, { mode: 0o600 });
        const scripts = body.wallets.reduce(
          (n, w) => n + (w.bitcoin?.scripts.length ?? w.ethereum?.deposits.length ?? 0),
          0,
        );
        console.log(`wrote ${o.out}: ${body.wallets.length} wallet(s), ${scripts} address(es)`);
        console.log(`digest ${digest} (note it with the file: \`recovery verify\` prints the same)`);
      } finally {
        signer.destroy();
        await db.close();
      }
    });
}
