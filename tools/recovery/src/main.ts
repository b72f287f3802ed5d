import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { JsonRpcProvider, isAddress } from 'ethers';
import { BitcoinRpc, utxoSource } from './bitcoin-node';
import { recoverEthereum } from './recover-ethereum';
import { KmsDigestSigner } from './kms-keys';
import { checkKeysInKms, recoverBitcoin, type SweepPlan } from './recover-bitcoin';
import { verifyRecoveryFile } from './verify-recovery';

const feeRate = (raw: string): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('must be 1 to 10000 sat/vB');
  return n;
};

function load(file: string) {
  const checked = verifyRecoveryFile(readFileSync(file, 'utf8'));
  console.log(`recovery file ${file}: digest ${checked.file.digest}, written ${checked.file.body.createdAt}`);
  for (const w of checked.wallets)
    console.log(
      `  ${w.chain} wallet ${w.label} (${w.walletId}): signed by keys ${w.signedBy.join(', ')} of ${w.threshold} needed`,
    );
  return checked.file;
}

/** `recovery …`: moves every coin of a Strongroom recovery file without Strongroom. */
export function program(): Command {
  const cli = new Command('recovery').description('move custody funds from a Strongroom recovery file').exitOverride();
  verifyCommand(cli);
  bitcoinCommand(cli);
  ethereumCommand(cli);
  return cli;
}

function verifyCommand(cli: Command): void {
  cli
    .command('verify <file>')
    .description("check the file's form, signatures and scripts; with --kms also each key against KMS")
    .option('--kms', 'fetch every key from KMS (KMS_ENDPOINT, AWS_REGION, credentials) and compare', false)
    .action(async (file: string, o: { kms: boolean }) => {
      const f = load(file);
      if (!o.kms) return;
      const signer = new KmsDigestSigner();
      try {
        for (const w of f.body.wallets) await checkKeysInKms(w, signer);
        console.log('every key matches KMS');
      } finally {
        signer.destroy();
      }
    });
}

function bitcoinCommand(cli: Command): void {
  cli
    .command('bitcoin <file>')
    .description('sweep every unspent output of every Bitcoin wallet in the file to --to')
    .requiredOption('--to <address>', 'the destination the operator chose (every sweep must pay exactly this)')
    .requiredOption('--rpc-url <url>', "the node's JSON-RPC URL (Bitcoin Core, or bcoin with indexAddress)")
    .option('--rpc-user <user>', 'RPC user', process.env.BITCOIN_RPC_USER ?? '')
    .option(
      '--rpc-password <password>',
      'RPC password (default $BITCOIN_RPC_PASSWORD)',
      process.env.BITCOIN_RPC_PASSWORD ?? '',
    )
    .option('--fee-rate <sat/vB>', 'fee rate, and the most a plan being signed may pay', feeRate, 2)
    .option('--utxo-source <kind>', 'auto, core (scantxoutset) or bcoin (/coin/address)', 'auto')
    .option('--plan-out <file>', 'write the unsigned sweeps (PSBTs) and stop')
    .option('--plan <file>', 'sign and broadcast these sweeps, after checking them against --to and the file')
    .action(async (file: string, o: Record<string, string> & { feeRate: number }) => {
      const f = load(file);
      if (!['auto', 'core', 'bcoin'].includes(o.utxoSource)) throw new InvalidArgumentError('--utxo-source');
      const rpc = new BitcoinRpc({ url: o.rpcUrl, user: o.rpcUser, password: o.rpcPassword });
      const signer = new KmsDigestSigner(o.planOut ? { AWS_REGION: 'unused' } : process.env);
      try {
        const sweeps = await recoverBitcoin({
          file: f,
          rpc,
          source: await utxoSource(rpc, o.utxoSource as 'auto'),
          signer,
          intent: { to: o.to, feeRate: o.feeRate },
          ...(o.plan ? { plans: JSON.parse(readFileSync(o.plan, 'utf8')) as SweepPlan[] } : {}),
          planOnly: Boolean(o.planOut),
          log: (l) => console.log(l),
        });
        if (o.planOut)
          writeFileSync(o.planOut, `${JSON.stringify(sweeps.map((s) => ({ walletId: s.walletId, psbt: s.psbt })))}\n`);
        const swept = sweeps.reduce((sum, s) => sum + s.amount, 0n);
        console.log(`${sweeps.length} sweep(s), ${swept} sat to ${o.to}${o.planOut ? ` planned in ${o.planOut}` : ''}`);
      } finally {
        signer.destroy();
      }
    });
}

function ethereumCommand(cli: Command): void {
  cli
    .command('ethereum <file>')
    .description("sweep every CREATE2 deposit address into its Safe, then every Safe's ETH and tokens to --to")
    .requiredOption('--to <address>', 'the destination the operator chose (every Safe transaction pays only this)')
    .requiredOption('--rpc-url <url>', "the node's JSON-RPC URL")
    .option('--token <address...>', 'ERC-20 contracts to sweep besides ETH', [])
    .option('--sender <kmsKeyId>', "a KMS key paying gas instead of the wallet's relayer")
    .action(async (file: string, o: { to: string; rpcUrl: string; token: string[]; sender?: string }) => {
      const f = load(file);
      for (const a of [o.to, ...o.token]) if (!isAddress(a)) throw new InvalidArgumentError(`not an address: ${a}`);
      // No response cache: ethers reuses an identical call's answer for 250 ms by default, so the
      // next transaction's pending nonce could be the one just mined ("nonce has already been used").
      const provider = new JsonRpcProvider(o.rpcUrl, undefined, {
        staticNetwork: true,
        pollingInterval: 250,
        cacheTimeout: -1,
      });
      const signer = new KmsDigestSigner();
      try {
        const sweeps = await recoverEthereum({
          file: f,
          provider,
          signer,
          to: o.to,
          tokens: o.token,
          ...(o.sender ? { sender: o.sender } : {}),
          log: (l) => console.log(l),
        });
        console.log(`${sweeps.length} Ethereum wallet(s) swept to ${o.to}`);
      } finally {
        signer.destroy();
        provider.destroy();
      }
    });
}

if (require.main === module || path.resolve(process.argv[1] ?? '') === __filename) {
  program()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      const e = err as { code?: string; exitCode?: number; message?: string };
      if (e.code === 'commander.helpDisplayed') process.exit(0);
      if (typeof e.exitCode === 'number' && e.code?.startsWith('commander.')) process.exit(e.exitCode);
      console.error(`recovery: ${e.message ?? String(err)}`);
      process.exit(1);
    });
}
