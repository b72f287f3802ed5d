import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { KmsLocalServer, type Faults } from '@strongroom/kms-local';

export interface KmsLocalHandle {
  endpoint: string;
  /** A KmsConfig for `new KmsSigner(config)` (structurally; this module may not import keys). */
  config: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Creates an ECC_SECG_P256K1 SIGN_VERIFY key through the real SDK; returns its KeyId. */
  createSigningKey(alias?: string): Promise<string>;
  /** For fault injection (`server.setFaults`, `server.failKey`) and stats. */
  server: KmsLocalServer;
  /** A raw SDK client on this server (to disable keys, re-point aliases, …). */
  client: KMSClient;
  dataDir: string;
  stop(): Promise<void>;
}

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'AKIAKMSLOCALTEST0001', secretAccessKey: 'kms-local-test-secret-access-key' };

/**
 * Starts kms-local in this process on a free loopback port. Keys persist under `dataDir`
 * (a fresh temporary directory, removed on stop, when not given), so a test can stop and start
 * again on the same directory to check that keys survive.
 */
export async function startKmsLocal(
  opts: { dataDir?: string; secret?: string; faults?: Faults } = {},
): Promise<KmsLocalHandle> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'kms-local-')));
  const server = await KmsLocalServer.start({
    dataDir,
    secret: opts.secret ?? 'kms-local-test-secret',
    accessKeyId: CREDENTIALS.accessKeyId,
    ...(opts.faults ? { faults: opts.faults } : {}),
  });
  const config = { endpoint: server.endpoint, region: REGION, credentials: { ...CREDENTIALS } };
  const client = new KMSClient({ ...config, maxAttempts: 1 });
  return {
    endpoint: server.endpoint,
    config,
    server,
    client,
    dataDir,
    async createSigningKey(alias?: string) {
      const res = await client.send(
        new CreateKeyCommand({ KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'SIGN_VERIFY', Description: 'test key' }),
      );
      const keyId = res.KeyMetadata!.KeyId!;
      if (alias)
        await client.send(
          new CreateAliasCommand({
            AliasName: alias.startsWith('alias/') ? alias : `alias/${alias}`,
            TargetKeyId: keyId,
          }),
        );
      return keyId;
    },
    async stop() {
      client.destroy();
      await server.close();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
