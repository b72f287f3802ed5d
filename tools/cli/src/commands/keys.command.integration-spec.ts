import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeKeyCommand, UpdateAliasCommand } from '@aws-sdk/client-kms';
import { KmsSigner } from '@strongroom/keys';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { changeAccount, custodyDescriptor, descriptorChecksum } from '@strongroom/chains-bitcoin';

const ROOT = path.resolve(__dirname, '../../../..');
// The real CLI entry in a child process, as an operator runs it (`npm run strongroom -- …`).
const ENTRY = ['tools/run.js', 'tools/cli/src/main.ts'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('strongroom keys (CLI in a child process, kms-local over HTTP, PGlite data dir)', () => {
  let kms: KmsLocalHandle;
  let dataDir: string;
  let signer: KmsSigner;

  const cli = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [...ENTRY, ...args],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            NODE_NO_WARNINGS: '1',
            KMS_ENDPOINT: kms.endpoint,
            AWS_REGION: kms.config.region,
            AWS_ACCESS_KEY_ID: kms.config.credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: kms.config.credentials.secretAccessKey,
            STRONGROOM_DATA_DIR: dataDir,
            ...env,
          },
          timeout: 60_000,
        },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    kms = await startKmsLocal();
    dataDir = await mkdtemp(path.join(tmpdir(), 'strongroom-keys-cli-'));
    signer = new KmsSigner(kms.config);
  });
  afterAll(async () => {
    signer?.destroy();
    await kms?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('ceremony --chain bitcoin: creates the keys, records them and prints the checksummed descriptor', async () => {
    const r = await cli([
      'keys',
      'ceremony',
      '--chain',
      'bitcoin',
      '--threshold',
      '2',
      '--keys',
      '3',
      '--label',
      'treasury',
      '--network',
      'regtest',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const pubs = await Promise.all([1, 2, 3].map((i) => signer.publicKey(`alias/strongroom/treasury/cosigner-${i}`)));
    const body = `wsh(sortedmulti(2,${pubs.map((p) => p.compressedHex).join(',')}))`;
    expect(r.stdout).toContain(`${body}#${descriptorChecksum(body)}`);
    expect(r.stdout).toMatch(/status: usable/);
    expect(r.stdout).toMatch(/per-user tag/);
    // The wallet's first address: its change address, by the Bitcoin library's own rule.
    const id = /Wallet treasury \(([0-9a-f-]{36})\)/.exec(r.stdout)![1];
    const change = custodyDescriptor(
      { id, chain: 'bitcoin', threshold: 2, publicKeys: pubs.map((p) => p.compressedHex) },
      changeAccount(id),
      'regtest',
    );
    expect(change.address).toMatch(/^bcrt1q/);
    expect(r.stdout).toContain(`change address (regtest): ${change.address}`);
  });

  it('ceremony --chain ethereum --relayer: prints owners, threshold and relayer address', async () => {
    const r = await cli([
      'keys',
      'ceremony',
      '--chain',
      'ethereum',
      '--threshold',
      '2',
      '--keys',
      '3',
      '--relayer',
      '--label',
      'hot',
    ]);
    expect(r.code).toBe(0);
    for (const i of [1, 2, 3])
      expect(r.stdout).toContain((await signer.publicKey(`alias/strongroom/hot/cosigner-${i}`)).ethereumAddress);
    expect(r.stdout).toContain('threshold 2 of 3');
    expect(r.stdout).toMatch(
      new RegExp(`relayer .*${(await signer.publicKey('alias/strongroom/hot/relayer')).ethereumAddress}`),
    );
  });

  it('verify passes while KMS matches the record, then fails with the reason when a key changes', async () => {
    const ok = await cli(['keys', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('All 2 wallet(s) match KMS.');

    const other = await kms.createSigningKey();
    await kms.client.send(
      new UpdateAliasCommand({ AliasName: 'alias/strongroom/treasury/cosigner-2', TargetKeyId: other }),
    );
    const bad = await cli(['keys', 'verify']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAIL treasury \(bitcoin 2 of 3\)/);
    expect(bad.stdout).toMatch(/key 2 \(alias\/strongroom\/treasury\/cosigner-2\): KMS now returns public key/);
    expect(bad.stdout).toMatch(/OK {3}hot/);
    expect(bad.stderr).toMatch(/^strongroom: 1 of 2 wallet\(s\) failed verification and may not sign: treasury/);

    // The verdict is stored: `keys list` (no KMS configuration needed) shows it.
    const list = await cli(['keys', 'list'], { AWS_REGION: '', KMS_ENDPOINT: '' });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/Wallet treasury .*\n.*status: unusable \(key 2/);
    expect(list.stdout).toMatch(/Wallet hot .*\n.*status: usable/);
  });

  it('ceremony --tier cold: its own 3-of-5 keys, marked cold in KMS, in the cold slot beside the hot wallet', async () => {
    const tooFew = await cli([
      'keys',
      'ceremony',
      '--chain',
      'bitcoin',
      '--tier',
      'cold',
      '--threshold',
      '1',
      '--keys',
      '2',
    ]);
    expect(tooFew.code).toBe(1);
    expect(tooFew.stderr).toMatch(/cold wallet needs at least 2 of 3 keys/);
    const r = await cli([
      'keys',
      'ceremony',
      '--chain',
      'bitcoin',
      '--tier',
      'cold',
      '--threshold',
      '3',
      '--keys',
      '5',
      '--label',
      'vault',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tier: cold {3}threshold: 3 of 5/);
    // The hot wallet of the operator's pool (treasury) keeps its slot: the cold one is active in its own.
    expect(r.stdout).toMatch(/directory: operator's pool {3}tier: cold {3}status: active/);
    for (const i of [1, 2, 3, 4, 5]) {
      const d = await kms.client.send(new DescribeKeyCommand({ KeyId: `alias/strongroom/cold/vault/cosigner-${i}` }));
      expect(d.KeyMetadata?.Description).toMatch(/bitcoin cold wallet vault: cosigner-\d \(cold: never signed/);
    }
  });

  it('refuses bad requests and an unreachable KMS with a clear message and a non-zero exit', async () => {
    const noRelayer = await cli(['keys', 'ceremony', '--chain', 'ethereum', '--threshold', '2', '--keys', '3']);
    expect(noRelayer.code).toBe(1);
    expect(noRelayer.stderr).toMatch(/needs a relayer key .*--relayer/);
    const down = await cli(['keys', 'ceremony', '--chain', 'bitcoin', '--threshold', '1', '--keys', '1'], {
      KMS_ENDPOINT: 'http://127.0.0.1:9',
      KMS_MAX_ATTEMPTS: '2',
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/strongroom: kms\.unavailable/);
  });
});
