import { keysContext, KeyRegistry, KmsSigner, kmsConfigFromEnv, type KmsConfig } from '@strongroom/keys';
import { defaultDataDir, openDatabase, type Database } from '@strongroom/persistence';
import { AuditLog } from '@strongroom/audit';

export interface KeysContext {
  kms: KmsConfig;
  signer: KmsSigner;
  db: Database;
  registry: KeyRegistry;
  /** Where the registry lives, for messages. */
  databaseLabel: string;
}

/**
 * KMS from the environment (KMS_ENDPOINT, AWS_REGION, credentials) and the key registry on
 * DATABASE_URL or the embedded data directory (STRONGROOM_DATA_DIR), migrated on open.
 */
export async function withKeysContext<T>(
  fn: (ctx: KeysContext) => Promise<T>,
  options: { kmsRequired?: boolean } = {},
): Promise<T> {
  // Listing reads only the registry: it must work where no KMS configuration is at hand.
  const kms =
    options.kmsRequired === false && !process.env.AWS_REGION && !process.env.AWS_DEFAULT_REGION
      ? { region: 'unset' }
      : kmsConfigFromEnv();
  const url = process.env.DATABASE_URL;
  const contexts = [keysContext];
  const db = await openDatabase(
    url ? { databaseUrl: url, contexts, poolSize: 2 } : { dataDir: defaultDataDir(), contexts },
  );
  const signer = new KmsSigner(kms);
  try {
    return await fn({
      kms,
      signer,
      db,
      registry: new KeyRegistry(db, new AuditLog(db)),
      databaseLabel: url ? redact(url) : `${defaultDataDir()} (embedded)`,
    });
  } finally {
    signer.destroy();
    await db.close();
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
