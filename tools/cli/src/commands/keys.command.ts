import { InvalidArgumentError, type Command } from 'commander';
import type { BitcoinNetworkName } from '@strongroom/chains-bitcoin';
import { CHAIN_IDS, type ChainId } from '@strongroom/shared-types';
import { WALLET_STATUSES, type WalletDirectory, type WalletStatus, type WalletTier } from '@strongroom/wallets';
import { formatVerification, formatWallet, runCeremony } from '../keys/ceremony';
import { withKeysContext } from '../keys/keys-context';

const positiveInt = (name: string) => (raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 20)
    throw new InvalidArgumentError(`${name} must be an integer from 1 to 20`);
  return n;
};

const network = (raw: string): BitcoinNetworkName => {
  if (!['mainnet', 'testnet', 'regtest'].includes(raw))
    throw new InvalidArgumentError('must be mainnet, testnet or regtest');
  return raw as BitcoinNetworkName;
};

const tier = (raw: string): WalletTier => {
  if (raw !== 'hot' && raw !== 'cold') throw new InvalidArgumentError('must be hot or cold');
  return raw;
};

const chain = (raw: string): ChainId => {
  if (!(CHAIN_IDS as readonly string[]).includes(raw))
    throw new InvalidArgumentError(`must be one of ${CHAIN_IDS.join(', ')}`);
  return raw as ChainId;
};

// Long because it is the `keys` command table: one commander chain per subcommand (ceremony,
// verify, list, safe, status), a few lines each, kept in the order `--help` lists them.
/**
 * `strongroom keys …`: the key ceremony and the checks of KMS keys against the registry.
 * Configuration from the environment: KMS_ENDPOINT (kms-local) or AWS, AWS_REGION, AWS
 * credentials; DATABASE_URL or STRONGROOM_DATA_DIR for the registry.
 */
export function register(program: Command): void {
  const keys = program.command('keys').description('KMS-held custody keys: ceremony, verification, listing');

  keys
    .command('ceremony')
    .description('create m-of-n keys in KMS, record them in the key registry and print what operators need')
    .requiredOption('--chain <chain>', 'bitcoin or ethereum', chain)
    .requiredOption('--threshold <m>', 'signatures required (m)', positiveInt('--threshold'))
    .requiredOption('--keys <n>', 'number of cosigner keys (n)', positiveInt('--keys'))
    .option('--relayer', 'also create the relayer key (Ethereum: pays gas, submits Safe transactions)', false)
    .option('--label <name>', 'wallet name (default <chain>-<timestamp>)')
    .option('--client <id>', "the client whose own (segregated) wallet this is (default: the operator's pool)")
    .option(
      '--tier <tier>',
      'hot (signs automatically under policy) or cold (its own larger key set, never signed automatically)',
      tier,
      'hot',
    )
    .option('--alias-prefix <prefix>', 'KMS alias prefix', 'strongroom')
    .option(
      '--network <network>',
      'Bitcoin network for the printed addresses: mainnet, testnet or regtest',
      network,
      'mainnet',
    )
    .action(
      async (o: {
        chain: ChainId;
        threshold: number;
        keys: number;
        relayer: boolean;
        label?: string;
        client?: string;
        tier: WalletTier;
        aliasPrefix: string;
        network: BitcoinNetworkName;
      }) => {
        if (o.threshold > o.keys) throw new Error(`--threshold (${o.threshold}) cannot exceed --keys (${o.keys})`);
        await withKeysContext(async (ctx) => {
          const opts = { ...o, ...(o.client ? { clientId: o.client } : {}) };
          const { wallet, verification } = await runCeremony(ctx, opts, (l) => console.log(l));
          console.log(`Recorded in the key registry and the wallet directory at ${ctx.databaseLabel}.\n`);
          console.log(await directoryLine(ctx.registry.directory, wallet.id));
          for (const line of formatWallet(wallet, o.network)) console.log(line);
          if (!verification.usable)
            throw new Error(`the new wallet failed verification against KMS: ${verification.reason}`);
        });
      },
    );

  keys
    .command('verify')
    .description(
      'fetch every registered key from KMS and compare it with the recorded public key (exit 1 on any mismatch)',
    )
    .action(async () => {
      await withKeysContext(async (ctx) => {
        const wallets = await ctx.registry.wallets();
        if (wallets.length === 0) {
          console.log(`No wallets in the key registry at ${ctx.databaseLabel}.`);
          return;
        }
        const results = await ctx.registry.verifyAll(ctx.signer);
        for (const v of results) {
          const wallet = wallets.find((w) => w.id === v.walletId);
          if (wallet) for (const line of formatVerification(v, wallet)) console.log(line);
        }
        const bad = results.filter((r) => !r.usable);
        if (bad.length > 0) {
          throw new Error(
            `${bad.length} of ${results.length} wallet(s) failed verification and may not sign: ${bad.map((b) => b.label).join(', ')}`,
          );
        }
        console.log(`All ${results.length} wallet(s) match KMS.`);
      });
    });

  keys
    .command('list')
    .description('print the registered wallets, their keys and status (no KMS calls)')
    .option('--network <network>', 'Bitcoin network for the printed addresses', network, 'mainnet')
    .action(async (o: { network: BitcoinNetworkName }) => {
      await withKeysContext(
        async (ctx) => {
          const wallets = await ctx.registry.wallets();
          if (wallets.length === 0) console.log(`No wallets in the key registry at ${ctx.databaseLabel}.`);
          for (const w of wallets)
            console.log(
              [...formatWallet(w, o.network), await directoryLine(ctx.registry.directory, w.id), ''].join('\n'),
            );
        },
        { kmsRequired: false },
      );
    });

  keys
    .command('safe <wallet> <address>')
    .description(
      "record an Ethereum wallet's deployed Safe in the wallet directory (once; a different Safe is refused)",
    )
    .action(async (walletRef: string, address: string) => {
      if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new InvalidArgumentError('address must be 0x and 40 hex digits');
      await withKeysContext(
        async (ctx) => {
          const w = await ctx.registry.wallet(walletRef);
          if (w.chain !== 'ethereum') throw new Error(`wallet ${w.label} is not an Ethereum wallet`);
          const record = await ctx.registry.directory.walletById(w.id);
          if (!record) throw new Error(`wallet ${w.label} is not in the wallet directory`);
          await ctx.registry.directory.register({ ...record, safeAddress: address });
          console.log(await directoryLine(ctx.registry.directory, w.id));
        },
        { kmsRequired: false },
      );
    });

  keys
    .command('status <wallet> <status>')
    .description(
      "set a wallet's directory status: active (serves its client or the pool), suspended (serves nobody, no fallback), inactive",
    )
    .action(async (walletRef: string, status: string) => {
      if (!(WALLET_STATUSES as readonly string[]).includes(status))
        throw new InvalidArgumentError(`status must be one of ${WALLET_STATUSES.join(', ')}`);
      await withKeysContext(
        async (ctx) => {
          const w = await ctx.registry.wallet(walletRef);
          await ctx.registry.directory.setStatus(w.id, status as WalletStatus);
          console.log(await directoryLine(ctx.registry.directory, w.id));
        },
        { kmsRequired: false },
      );
    });
}

/** Who the wallet serves, from the wallet directory. */
async function directoryLine(directory: WalletDirectory, id: string): Promise<string> {
  const d = await directory.walletById(id);
  if (!d) return '  directory: not registered';
  const owner = d.clientId === null ? "operator's pool" : `client ${d.clientId} (segregated)`;
  return `  directory: ${owner}   tier: ${d.tier}   status: ${d.status}${d.safeAddress ? `   Safe: ${d.safeAddress}` : ''}`;
}
