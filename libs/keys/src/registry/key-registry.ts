import { randomUUID } from 'node:crypto';
import type { Database, Tx } from '@strongroom/persistence';
import { DomainError, domainError, isDomainError, type ChainId, CHAIN_IDS } from '@strongroom/shared-types';
import { signsAutomatically, WalletDirectory, WalletErrors, type WalletTier } from '@strongroom/wallets';
import { KeyErrors } from '../keys.errors';
import { publicKeyFromPoint, type KmsPublicKey } from '../public-key';
import type { AuditLog } from '@strongroom/audit';

export type WalletStatus = 'unverified' | 'usable' | 'unusable';

export interface WalletKeyInput {
  /** KMS key id, key ARN or alias. */
  kmsKeyId: string;
  /** The public key recorded at ceremony time (SEC1 hex, compressed or not). */
  publicKey: string;
  keyArn?: string;
}

export interface RegisterWalletInput {
  /** Unique name for operators; default `<chain>-<first 8 of id>`. */
  label?: string;
  chain: ChainId;
  /** Whose wallet it is in the wallet directory: a client's own (segregated), or null/absent = the operator's pool. */
  clientId?: string | null;
  /** Default 'hot'. */
  tier?: WalletTier;
  /** m of the m-of-n. */
  threshold: number;
  /** The n cosigner keys, in ceremony order. */
  keys: WalletKeyInput[];
  /** Ethereum only (required there): the key that pays gas and submits Safe transactions. */
  relayer?: WalletKeyInput;
  /** Ethereum: the Safe, when already deployed (else registered in the directory once it is). */
  safeAddress?: string;
}

export interface WalletKey {
  role: 'cosigner' | 'relayer';
  position: number;
  kmsKeyId: string;
  keyArn?: string;
  /** Compressed SEC1 hex. */
  publicKey: string;
  ethereumAddress: string;
}

/** A wallet as the key registry sees it: the directory's public side joined with its KMS keys and their verification. */
export interface Wallet {
  id: string;
  label: string;
  chain: ChainId;
  clientId: string | null;
  tier: WalletTier;
  threshold: number;
  safeAddress?: string;
  keys: WalletKey[];
  relayer?: WalletKey;
  status: WalletStatus;
  statusReason?: string;
  verifiedAt?: Date;
  createdAt: Date;
}

export interface KeyCheck {
  role: 'cosigner' | 'relayer';
  position: number;
  kmsKeyId: string;
  ok: boolean;
  reason?: string;
}

export interface WalletVerification {
  walletId: string;
  label: string;
  usable: boolean;
  reason?: string;
  keys: KeyCheck[];
}

/** Where public keys come from (the KmsSigner); `refresh` must bypass any cache. */
export interface PublicKeySource {
  publicKey(keyId: string, options?: { refresh?: boolean }): Promise<KmsPublicKey>;
}

const MAX_KEYS = 20;

interface WalletRow {
  id: string;
  label: string;
  chain: ChainId;
  client_id: string | null;
  tier: WalletTier;
  threshold: number;
  safe_address: string | null;
  status: WalletStatus;
  status_reason: string | null;
  verified_at: Date | string | null;
  created_at: Date | string;
}
interface KeyRow {
  wallet_id: string;
  role: 'cosigner' | 'relayer';
  position: number;
  kms_key_id: string;
  kms_key_arn: string | null;
  public_key: string;
  ethereum_address: string;
}

/**
 * The KMS keys behind custody wallets (schema `keys`). A ceremony registers the wallet's public
 * side in the wallet directory (its `directory`) and the key handles here, in one transaction;
 * this schema keeps only the handles and their verification. The public keys recorded at the ceremony
 * are the truth: at start every key is fetched from KMS again and compared, and a wallet whose
 * keys do not all match (or cannot be read) is marked unusable with the reason — signing for it
 * stops (`assertUsable`) until a later verification passes.
 */
export class KeyRegistry {
  /** Where the ceremony registers each wallet's public side; who serves whom is decided there. */
  readonly directory: WalletDirectory;

  constructor(
    private readonly db: Database,
    /** When given, registrations and every change of a wallet's usability are recorded in the audit log. */
    private readonly audit?: Pick<AuditLog, 'append'>,
  ) {
    this.directory = new WalletDirectory(db);
  }

  /**
   * The ceremony's record: the wallet in the directory (active when its slot is free, else
   * inactive until an operator switches it over) and its key handles here, audited.
   */
  async registerWallet(input: RegisterWalletInput): Promise<Wallet> {
    const keys = validate(input);
    const id = randomUUID();
    const label = input.label?.trim() || `${input.chain}-${id.slice(0, 8)}`;
    const clientId = input.clientId ?? null;
    const tier = input.tier ?? 'hot';
    try {
      await this.db.transaction(async (tx) => {
        const holder = await this.directory.slotHolder(input.chain, clientId, tier, tx);
        const relayer = keys.find((k) => k.role === 'relayer');
        await this.directory.register(
          {
            id,
            label,
            clientId,
            chain: input.chain,
            tier,
            threshold: input.threshold,
            publicKeys: keys.filter((k) => k.role === 'cosigner').map((k) => k.publicKey),
            ...(input.safeAddress ? { safeAddress: input.safeAddress } : {}),
            ...(relayer ? { relayerAddress: relayer.ethereumAddress, relayerPublicKey: relayer.publicKey } : {}),
            status: holder ? 'inactive' : 'active',
          },
          tx,
        );
        await tx.execute(`INSERT INTO keys.wallets (id) VALUES ($1)`, [id]);
        for (const k of keys) {
          await tx.execute(
            `INSERT INTO keys.wallet_keys (wallet_id, role, position, kms_key_id, kms_key_arn, public_key, ethereum_address)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [id, k.role, k.position, k.kmsKeyId, k.keyArn ?? null, k.publicKey, k.ethereumAddress],
          );
        }
        await this.audit?.append(tx, {
          actor: { id: 'key-ceremony', role: 'admin' },
          action: 'keys.wallet_registered',
          subject: { type: 'wallet', id },
          payload: {
            label,
            chain: input.chain,
            clientId,
            tier,
            threshold: input.threshold,
            keys: keys.map((k) => ({
              role: k.role,
              position: k.position,
              kmsKeyId: k.kmsKeyId,
              publicKey: k.publicKey,
            })),
          },
        });
      });
    } catch (err) {
      const code =
        (err as { driverError?: { code?: string }; code?: string }).driverError?.code ??
        (err as { code?: string }).code;
      if (code === '23505' || isDomainError(err, WalletErrors['wallet.conflict']))
        throw domainError(
          KeyErrors['keys.duplicate'],
          `a wallet labelled "${label}" or one of these keys is already registered`,
        );
      throw err;
    }
    return this.wallet(id);
  }

  async wallet(id: string): Promise<Wallet> {
    const [w] = await this.wallets(id);
    if (!w) throw domainError(KeyErrors['keys.wallet_not_found'], `no wallet ${id} in the key registry`);
    return w;
  }

  async wallets(id?: string): Promise<Wallet[]> {
    return this.db.transaction((tx) =>
      id === undefined ? loadWallets(tx, '', []) : loadWallets(tx, 'WHERE k.id = $1 OR w.label = $1', [id]),
    );
  }

  /**
   * The automatic signers' gate (withdrawals, sweeps, proofs): the wallet's keys were verified
   * against KMS and its tier signs automatically. A cold wallet's keys are refused here whatever
   * their verification (`wallet.not_automatic`): only a path where people approve each move may
   * use them, and that path calls `assertVerified`.
   */
  async assertUsable(id: string): Promise<Wallet> {
    const w = await this.wallet(id);
    if (!signsAutomatically(w.tier))
      throw domainError(
        WalletErrors['wallet.not_automatic'],
        `wallet ${w.label} is a ${w.tier} wallet: its keys are never used by an automatic signer`,
        { walletId: w.id, tier: w.tier },
      );
    return this.assertVerified(id, w);
  }

  /** The wallet's keys were verified against KMS (any tier): for signing paths people drive. */
  async assertVerified(id: string, known?: Wallet): Promise<Wallet> {
    const w = known ?? (await this.wallet(id));
    if (w.status === 'usable') return w;
    if (w.status === 'unverified') {
      throw domainError(
        KeyErrors['keys.wallet_unverified'],
        `wallet ${w.label} has not been verified against KMS yet; run the key verification first`,
        { walletId: w.id },
      );
    }
    throw domainError(
      KeyErrors['keys.wallet_unusable'],
      `wallet ${w.label} may not sign: ${w.statusReason ?? 'unknown reason'}`,
      {
        walletId: w.id,
        reason: w.statusReason,
      },
    );
  }

  /** Fetches every key of every wallet from KMS, compares with the record and stores the verdicts. */
  async verifyAll(source: PublicKeySource): Promise<WalletVerification[]> {
    const out: WalletVerification[] = [];
    for (const w of await this.wallets()) out.push(await this.verify(w, source));
    return out;
  }

  async verifyWallet(id: string, source: PublicKeySource): Promise<WalletVerification> {
    return this.verify(await this.wallet(id), source);
  }

  private async verify(w: Wallet, source: PublicKeySource): Promise<WalletVerification> {
    const checks: KeyCheck[] = [];
    for (const k of [...w.keys, ...(w.relayer ? [w.relayer] : [])]) {
      const name = k.role === 'relayer' ? `relayer key (${k.kmsKeyId})` : `key ${k.position + 1} (${k.kmsKeyId})`;
      try {
        const pub = await source.publicKey(k.kmsKeyId, { refresh: true });
        checks.push(
          pub.compressedHex === k.publicKey
            ? { role: k.role, position: k.position, kmsKeyId: k.kmsKeyId, ok: true }
            : {
                role: k.role,
                position: k.position,
                kmsKeyId: k.kmsKeyId,
                ok: false,
                reason: `${name}: KMS now returns public key ${pub.compressedHex}, the ceremony recorded ${k.publicKey}`,
              },
        );
      } catch (err) {
        const why = err instanceof DomainError ? `${err.code}: ${err.detail}` : (err as Error).message;
        checks.push({ role: k.role, position: k.position, kmsKeyId: k.kmsKeyId, ok: false, reason: `${name}: ${why}` });
      }
    }
    const failed = checks.filter((c) => !c.ok);
    const reason = failed.length ? failed.map((c) => c.reason).join('; ') : undefined;
    const status = failed.length ? 'unusable' : 'usable';
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE keys.wallets SET status = $2, status_reason = $3, verified_at = now() WHERE id = $1`, [
        w.id,
        status,
        reason ?? null,
      ]);
      // Only a change of verdict is an event worth an audit record (every start re-verifies).
      if (w.status !== status) {
        await this.audit?.append(tx, {
          actor: { id: 'key-verification', role: 'system' },
          action: `keys.wallet_${status}`,
          subject: { type: 'wallet', id: w.id },
          payload: { reason: reason ?? null },
        });
      }
    });
    return { walletId: w.id, label: w.label, usable: failed.length === 0, ...(reason ? { reason } : {}), keys: checks };
  }
}

function validate(input: RegisterWalletInput): WalletKey[] {
  const bad = (detail: string) => domainError(KeyErrors['keys.invalid_wallet'], detail);
  if (!CHAIN_IDS.includes(input.chain)) throw bad(`chain must be one of ${CHAIN_IDS.join(', ')}`);
  const n = input.keys?.length ?? 0;
  if (n < 1 || n > MAX_KEYS) throw bad(`a wallet has 1 to ${MAX_KEYS} keys, not ${n}`);
  if (!Number.isInteger(input.threshold) || input.threshold < 1 || input.threshold > n) {
    throw bad(`threshold must be an integer from 1 to ${n}, not ${input.threshold}`);
  }
  if (input.chain === 'ethereum' && !input.relayer) throw bad('an Ethereum wallet needs a relayer key');
  if (input.chain === 'bitcoin' && input.relayer) throw bad('a Bitcoin wallet has no relayer key');
  const parse = (k: WalletKeyInput, role: WalletKey['role'], position: number): WalletKey => {
    if (!k.kmsKeyId?.trim()) throw bad(`key ${position + 1} has no KMS key id`);
    let pub: KmsPublicKey;
    try {
      pub = publicKeyFromPoint(k.kmsKeyId, Buffer.from(k.publicKey.replace(/^0x/, ''), 'hex'));
    } catch {
      throw bad(`public key of ${k.kmsKeyId} is not a secp256k1 point: ${k.publicKey}`);
    }
    return {
      role,
      position,
      kmsKeyId: k.kmsKeyId,
      ...(k.keyArn ? { keyArn: k.keyArn } : {}),
      publicKey: pub.compressedHex,
      ethereumAddress: pub.ethereumAddress,
    };
  };
  const keys = input.keys.map((k, i) => parse(k, 'cosigner', i));
  if (input.relayer) keys.push(parse(input.relayer, 'relayer', 0));
  if (new Set(keys.map((k) => k.publicKey)).size !== keys.length) throw bad('the same key appears twice in the wallet');
  return keys;
}

async function loadWallets(tx: Tx, where: string, params: unknown[]): Promise<Wallet[]> {
  const rows = await tx.query<WalletRow>(
    `SELECT k.id, k.status, k.status_reason, k.verified_at, k.created_at,
            w.label, w.chain, w.client_id, w.tier, w.threshold, w.safe_address
       FROM keys.wallets k JOIN wallets.wallets w ON w.id = k.id ${where}
      ORDER BY k.created_at, w.label`,
    params,
  );
  if (rows.length === 0) return [];
  const keyRows = await tx.query<KeyRow>(
    `SELECT * FROM keys.wallet_keys WHERE wallet_id = ANY($1::text[]) ORDER BY role, position`,
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => {
    const mine = keyRows.filter((k) => k.wallet_id === r.id).map(toKey);
    const relayer = mine.find((k) => k.role === 'relayer');
    return {
      id: r.id,
      label: r.label,
      chain: r.chain,
      clientId: r.client_id,
      tier: r.tier,
      threshold: Number(r.threshold),
      ...(r.safe_address ? { safeAddress: r.safe_address } : {}),
      keys: mine.filter((k) => k.role === 'cosigner'),
      ...(relayer ? { relayer } : {}),
      status: r.status,
      ...(r.status_reason ? { statusReason: r.status_reason } : {}),
      ...(r.verified_at ? { verifiedAt: new Date(r.verified_at) } : {}),
      createdAt: new Date(r.created_at),
    };
  });
}

function toKey(k: KeyRow): WalletKey {
  return {
    role: k.role,
    position: Number(k.position),
    kmsKeyId: k.kms_key_id,
    ...(k.kms_key_arn ? { keyArn: k.kms_key_arn } : {}),
    publicKey: k.public_key,
    ethereumAddress: k.ethereum_address,
  };
}
