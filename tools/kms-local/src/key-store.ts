import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

export type KeySpec = 'ECC_SECG_P256K1' | 'SYMMETRIC_DEFAULT';
export type KeyUsage = 'SIGN_VERIFY' | 'ENCRYPT_DECRYPT';
export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

export interface KeyRecord {
  keyId: string;
  region: string;
  account: string;
  /** Epoch seconds, as the KMS API reports dates. */
  createdAt: number;
  description: string;
  keySpec: KeySpec;
  keyUsage: KeyUsage;
  state: KeyState;
  deletionDate?: number;
  /** Hex: the secp256k1 private key or the 32-byte AES key. */
  material: string;
}

export interface AliasRecord {
  aliasName: string;
  targetKeyId: string;
  createdAt: number;
}

/** Used only when KMS_LOCAL_SECRET is unset; the server warns loudly about it. */
export const DEV_SECRET = 'kms-local-development-secret-do-not-use-for-real-funds';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * Keys and aliases in memory, and — with a data directory — on disk: one file per key plus one
 * alias file, each AES-256-GCM encrypted under a key derived (scrypt) from the secret, written
 * with mode 0600 to a temporary file, fsynced and renamed, so a crash never leaves a torn key file.
 * Losing a key loses the money behind it, so nothing here ever deletes a key file.
 */
export class KeyStore {
  private readonly keys = new Map<string, KeyRecord>();
  private readonly aliases = new Map<string, AliasRecord>();
  private readonly disk?: { dir: string; aesKey: Buffer };

  constructor(dataDir: string | undefined, secret: string) {
    if (!dataDir) return;
    mkdirSync(path.join(dataDir, 'keys'), { recursive: true, mode: DIR_MODE });
    const disk = { dir: dataDir, aesKey: openHeader(dataDir, secret) };
    this.disk = disk;
    for (const file of readdirSync(path.join(dataDir, 'keys')).filter((f) => f.endsWith('.enc'))) {
      const rec = readJson<KeyRecord>(disk, path.join('keys', file));
      this.keys.set(rec.keyId, rec);
    }
    if (existsSync(path.join(dataDir, 'aliases.enc'))) {
      for (const a of readJson<AliasRecord[]>(disk, 'aliases.enc')) this.aliases.set(a.aliasName, a);
    }
  }

  get persistent(): boolean {
    return this.disk !== undefined;
  }

  key(keyId: string): KeyRecord | undefined {
    return this.keys.get(keyId);
  }

  allKeys(): KeyRecord[] {
    return [...this.keys.values()].sort((a, b) => a.createdAt - b.createdAt || a.keyId.localeCompare(b.keyId));
  }

  putKey(rec: KeyRecord): void {
    if (this.disk) writeJson(this.disk, path.join('keys', `${rec.keyId}.enc`), rec);
    this.keys.set(rec.keyId, rec);
  }

  alias(name: string): AliasRecord | undefined {
    return this.aliases.get(name);
  }

  allAliases(): AliasRecord[] {
    return [...this.aliases.values()].sort((a, b) => a.aliasName.localeCompare(b.aliasName));
  }

  putAlias(rec: AliasRecord): void {
    const next = new Map(this.aliases).set(rec.aliasName, rec);
    if (this.disk) writeJson(this.disk, 'aliases.enc', [...next.values()]);
    this.aliases.set(rec.aliasName, rec);
  }
}

/** Reads or creates `store.json` (scrypt salt + a check value) and derives the AES key. */
function openHeader(dataDir: string, secret: string): Buffer {
  const file = path.join(dataDir, 'store.json');
  if (existsSync(file)) {
    const header = JSON.parse(readFileSync(file, 'utf8')) as { version: number; salt: string; check: string };
    const key = scryptSync(secret, Buffer.from(header.salt, 'base64'), 32);
    try {
      decrypt(key, Buffer.from(header.check, 'base64'), 'store.json');
    } catch {
      throw new Error(
        `kms-local: the secret (KMS_LOCAL_SECRET) does not open the key store in ${dataDir}; ` +
          'use the secret the keys were created with',
      );
    }
    return key;
  }
  const salt = randomBytes(16);
  const key = scryptSync(secret, salt, 32);
  const check = encrypt(key, Buffer.from('kms-local key store'), 'store.json');
  atomicWrite(file, JSON.stringify({ version: 1, salt: salt.toString('base64'), check: check.toString('base64') }));
  return key;
}

function readJson<T>(disk: { dir: string; aesKey: Buffer }, rel: string): T {
  const blob = readFileSync(path.join(disk.dir, rel));
  // The relative path is authenticated data: a key file renamed or swapped is refused.
  return JSON.parse(decrypt(disk.aesKey, blob, rel).toString('utf8')) as T;
}

function writeJson(disk: { dir: string; aesKey: Buffer }, rel: string, value: unknown): void {
  atomicWrite(path.join(disk.dir, rel), encrypt(disk.aesKey, Buffer.from(JSON.stringify(value)), rel));
}

function encrypt(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]);
}

function decrypt(key: Buffer, blob: Buffer, aad: string): Buffer {
  if (blob[0] !== 1) throw new Error(`unknown key file version ${blob[0]}`);
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 13)).setAAD(Buffer.from(aad));
  decipher.setAuthTag(blob.subarray(13, 29));
  return Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]);
}

function atomicWrite(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', FILE_MODE);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  // The rename itself must reach the disk before the caller reports success.
  const dir = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
