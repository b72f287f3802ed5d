import type { Database, Tx } from '@strongroom/persistence';
import { domainError, type ChainId, type DomainError } from '@strongroom/shared-types';
import { toWalletRecord, type WalletRow } from './wallet-row';
import { validateRegistration, type ValidRegistration } from './wallet-validation';
import { WalletErrors } from './wallets.errors';
import {
  SLOT_STATUSES,
  WALLET_STATUSES,
  type WalletRecord,
  type WalletRegistration,
  type WalletScope,
  type WalletStatus,
  type WalletTier,
} from './wallet.types';

const SLOT_SQL = `status IN (${SLOT_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * The one directory of custody wallets (schema `wallets`): which wallet serves whom. Deposits
 * issue addresses of `walletFor`, withdrawals pay from it, the key ceremony registers here and
 * compliance lists from here, so they cannot disagree. Public data only: key handles stay in
 * the key registry. Every method takes an optional transaction to join the caller's.
 */
export class WalletDirectory {
  constructor(private readonly db: Database) {}

  /**
   * Idempotent: the same wallet again returns it, and may fill in what the record lacked (the
   * Safe address, known once deployed). Different data under the id, another wallet holding the
   * slot (unless registered 'inactive') or a label in use is `wallet.conflict`.
   */
  async register(input: WalletRegistration, tx?: Tx): Promise<WalletRecord> {
    const w = validateRegistration(input);
    return this.within(tx, async (t) => {
      const [same] = await t.query<WalletRow>('SELECT * FROM wallets.wallets WHERE id = $1 FOR UPDATE', [w.id]);
      if (same) return completeExisting(t, toWalletRecord(same), w, Boolean(input.label?.trim()));
      const holder = SLOT_STATUSES.includes(w.status) ? await this.slotHolder(w.chain, w.clientId, w.tier, t) : null;
      if (holder) throw differentWallet(holder.id);
      const [named] = await t.query<{ id: string }>('SELECT id FROM wallets.wallets WHERE label = $1', [w.label]);
      if (named)
        throw domainError(
          WalletErrors['wallet.conflict'],
          `a wallet labelled "${w.label}" is already registered`,
          named,
        );
      const [row] = await t.query<WalletRow>(
        `INSERT INTO wallets.wallets (id, label, client_id, chain, tier, threshold, public_keys, safe_address,
                                      relayer_address, relayer_public_key, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11) RETURNING *`,
        [
          w.id,
          w.label,
          w.clientId,
          w.chain,
          w.tier,
          w.threshold,
          JSON.stringify(w.publicKeys),
          w.safeAddress ?? null,
          w.relayerAddress ?? null,
          w.relayerPublicKey ?? null,
          w.status,
        ],
      );
      return toWalletRecord(row);
    });
  }

  /**
   * The wallet serving `clientId` on `chain` (and tier): the client's own wallet if it has one,
   * else the operator's pool (clientId null). null when neither is registered. A suspended
   * wallet in that place is refused (`wallet.suspended`), never skipped for the pool.
   */
  async walletFor(
    chain: ChainId,
    clientId: string | null,
    tier: WalletTier = 'hot',
    tx?: Tx,
  ): Promise<WalletRecord | null> {
    const [row] = await (tx ?? this.db).query<WalletRow>(
      `SELECT * FROM wallets.wallets WHERE chain = $1 AND tier = $3 AND ${SLOT_SQL}
          AND (client_id = $2 OR client_id IS NULL)
        ORDER BY client_id NULLS LAST LIMIT 1`,
      [chain, clientId, tier],
    );
    if (!row) return null;
    const w = toWalletRecord(row);
    if (w.status === 'suspended')
      throw domainError(WalletErrors['wallet.suspended'], `custody wallet ${w.label} serving ${chain} is suspended`, {
        walletId: w.id,
        chain,
        clientId,
      });
    return w;
  }

  /** Any wallet by id, whatever its status (addresses and holdings name the wallet they belong to). */
  async walletById(id: string, tx?: Tx): Promise<WalletRecord | null> {
    const [row] = await (tx ?? this.db).query<WalletRow>('SELECT * FROM wallets.wallets WHERE id = $1', [id]);
    return row ? toWalletRecord(row) : null;
  }

  /** The wallet holding a slot (active or suspended), if any. */
  async slotHolder(chain: ChainId, clientId: string | null, tier: WalletTier, tx?: Tx): Promise<WalletRecord | null> {
    const [row] = await (tx ?? this.db).query<WalletRow>(
      `SELECT * FROM wallets.wallets WHERE chain = $1 AND COALESCE(client_id, '') = COALESCE($2, '') AND tier = $3
          AND ${SLOT_SQL}`,
      [chain, clientId, tier],
    );
    return row ? toWalletRecord(row) : null;
  }

  /** Wallets in scope, by id. */
  async list(scope: WalletScope = {}, tx?: Tx): Promise<WalletRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (scope.chain) add('chain = ?', scope.chain);
    if (scope.tier) add('tier = ?', scope.tier);
    if (scope.statuses) add('status = ANY(?::text[])', [...scope.statuses]);
    if (scope.clients) add('(client_id IS NULL OR client_id = ANY(?::text[]))', [...scope.clients]);
    const rows = await (tx ?? this.db).query<WalletRow>(
      `SELECT * FROM wallets.wallets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
      params,
    );
    return rows.map(toWalletRecord);
  }

  /** Suspends, reactivates or retires a wallet; taking a slot another wallet holds is `wallet.slot_taken`. */
  async setStatus(id: string, status: WalletStatus, tx?: Tx): Promise<WalletRecord> {
    if (!WALLET_STATUSES.includes(status))
      throw domainError(WalletErrors['wallet.invalid'], `status must be one of ${WALLET_STATUSES.join(', ')}`);
    return this.within(tx, async (t) => {
      const [row] = await t.query<WalletRow>('SELECT * FROM wallets.wallets WHERE id = $1 FOR UPDATE', [id]);
      if (!row) throw domainError(WalletErrors['wallet.not_found'], `no custody wallet ${id} in the directory`);
      const w = toWalletRecord(row);
      const holder = SLOT_STATUSES.includes(status) ? await this.slotHolder(w.chain, w.clientId, w.tier, t) : null;
      if (holder && holder.id !== id)
        throw domainError(
          WalletErrors['wallet.slot_taken'],
          `wallet ${holder.label} already serves this chain, owner and tier`,
          {
            walletId: holder.id,
          },
        );
      const [updated] = await t.query<WalletRow>('UPDATE wallets.wallets SET status = $2 WHERE id = $1 RETURNING *', [
        id,
        status,
      ]);
      return toWalletRecord(updated);
    });
  }

  private within<T>(tx: Tx | undefined, fn: (t: Tx) => Promise<T>): Promise<T> {
    return tx ? fn(tx) : this.db.transaction(fn);
  }
}

function differentWallet(id: string): DomainError {
  return domainError(
    WalletErrors['wallet.conflict'],
    `a different custody wallet is already registered as ${id} for this chain and owner`,
    { walletId: id },
  );
}

const OPTIONAL = [
  ['safeAddress', 'safe_address'],
  ['relayerAddress', 'relayer_address'],
  ['relayerPublicKey', 'relayer_public_key'],
] as const;

/** The same wallet again: a no-op, or the optional fields the record lacked filled in. */
async function completeExisting(
  tx: Tx,
  existing: WalletRecord,
  w: ValidRegistration,
  labelGiven: boolean,
): Promise<WalletRecord> {
  const same =
    existing.chain === w.chain &&
    existing.clientId === w.clientId &&
    existing.tier === w.tier &&
    existing.threshold === w.threshold &&
    JSON.stringify(existing.publicKeys) === JSON.stringify(w.publicKeys) &&
    (!labelGiven || existing.label === w.label);
  const fill: [string, string][] = [];
  for (const [field, column] of OPTIONAL) {
    const given = w[field];
    const known = existing[field];
    if (given === undefined) continue;
    if (known === undefined) fill.push([column, given]);
    else if (known.toLowerCase() !== given.toLowerCase()) throw differentWallet(existing.id);
  }
  if (!same) throw differentWallet(existing.id);
  if (fill.length === 0) return existing;
  const sets = fill.map(([column], i) => `${column} = $${i + 2}`).join(', ');
  const [row] = await tx.query<WalletRow>(`UPDATE wallets.wallets SET ${sets} WHERE id = $1 RETURNING *`, [
    existing.id,
    ...fill.map(([, v]) => v),
  ]);
  return toWalletRecord(row);
}
