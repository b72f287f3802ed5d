import type { CustodyWallet } from '@strongroom/chains-core';
import type { Database, Tx } from '@strongroom/persistence';
import { badRequest, CHAIN_IDS, conflict, unprocessable, type ChainId } from '@strongroom/shared-types';
import type { CustodyWalletRecord } from '../deposits.types';

const ID = /^[A-Za-z0-9._:-]{1,100}$/;
const PUBKEY = /^0[23][0-9a-f]{64}$/;

type Row = {
  id: string;
  chain: string;
  client_id: string | null;
  threshold: number;
  public_keys: string[] | string;
  safe_address: string | null;
  relayer_address: string | null;
};

function toRecord(r: Row): CustodyWalletRecord {
  const keys = typeof r.public_keys === 'string' ? (JSON.parse(r.public_keys) as string[]) : r.public_keys;
  return {
    id: r.id,
    chain: r.chain as ChainId,
    clientId: r.client_id,
    threshold: Number(r.threshold),
    publicKeys: keys,
    ...(r.safe_address ? { safeAddress: r.safe_address } : {}),
    ...(r.relayer_address ? { relayerAddress: r.relayer_address } : {}),
  };
}

export function toChainWallet(w: CustodyWalletRecord): CustodyWallet {
  return {
    id: w.id,
    chain: w.chain,
    threshold: w.threshold,
    publicKeys: w.publicKeys,
    safeAddress: w.safeAddress,
    relayerAddress: w.relayerAddress,
  };
}

/**
 * Custody wallets as public data (ids, m-of-n public keys, Safe address). The key ceremony
 * registers them here; this context never sees a key handle or calls KMS. A client with its own
 * wallet on a chain gets deposit addresses of that wallet (segregated holdings); everyone else
 * gets addresses of the shared operator wallet (clientId null).
 */
export class CustodyWallets {
  constructor(private readonly db: Database) {}

  /** Idempotent: the same wallet again is a no-op; a different wallet for the same id or owner is a conflict. */
  async register(input: CustodyWalletRecord): Promise<CustodyWalletRecord> {
    const w = validate(input);
    return this.db.transaction(async (tx) => {
      const existing = await tx.query<Row>(
        `SELECT * FROM deposits.wallets WHERE id = $1 OR (chain = $2 AND COALESCE(client_id, '') = COALESCE($3, '')) FOR UPDATE`,
        [w.id, w.chain, w.clientId],
      );
      for (const row of existing) {
        const rec = toRecord(row);
        if (JSON.stringify(rec) === JSON.stringify(w)) return rec;
        throw conflict(
          'wallet.conflict',
          `a different custody wallet is already registered as ${row.id} for this chain and owner`,
          { walletId: row.id },
        );
      }
      await tx.query(
        `INSERT INTO deposits.wallets (id, chain, client_id, threshold, public_keys, safe_address, relayer_address)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)`,
        [
          w.id,
          w.chain,
          w.clientId,
          w.threshold,
          JSON.stringify(w.publicKeys),
          w.safeAddress ?? null,
          w.relayerAddress ?? null,
        ],
      );
      return w;
    });
  }

  async list(chain?: ChainId): Promise<CustodyWalletRecord[]> {
    const rows = await this.db.query<Row>(
      `SELECT * FROM deposits.wallets ${chain ? 'WHERE chain = $1' : ''} ORDER BY id`,
      chain ? [chain] : [],
    );
    return rows.map(toRecord);
  }

  /** The wallet deposits of `clientId` on `chain` go to: its own, else the operator's. */
  async forClient(tx: Tx, chain: ChainId, clientId: string): Promise<CustodyWalletRecord> {
    const rows = await tx.query<Row>(
      `SELECT * FROM deposits.wallets WHERE chain = $1 AND (client_id = $2 OR client_id IS NULL)
        ORDER BY client_id NULLS LAST LIMIT 1`,
      [chain, clientId],
    );
    if (!rows[0])
      throw unprocessable(
        'deposit_address.no_custody_wallet',
        `no custody wallet is registered on ${chain} for client ${clientId} nor for the operator`,
        { chain, clientId },
      );
    return toRecord(rows[0]);
  }

  async byId(tx: Tx, id: string): Promise<CustodyWalletRecord> {
    const [row] = await tx.query<Row>('SELECT * FROM deposits.wallets WHERE id = $1', [id]);
    if (!row) throw new Error(`custody wallet ${id} is not registered`);
    return toRecord(row);
  }
}

function validate(w: CustodyWalletRecord): CustodyWalletRecord {
  if (!ID.test(w.id ?? '')) throw badRequest('wallet.invalid', 'wallet id must be 1-100 of [A-Za-z0-9._:-]');
  if (!CHAIN_IDS.includes(w.chain)) throw badRequest('wallet.invalid', `unknown chain ${String(w.chain)}`);
  if (w.clientId !== null && !ID.test(w.clientId))
    throw badRequest('wallet.invalid', 'clientId must be null (operator) or 1-100 of [A-Za-z0-9._:-]');
  const keys = w.publicKeys ?? [];
  if (keys.length < 1 || !keys.every((k) => PUBKEY.test(k)))
    throw badRequest('wallet.invalid', 'publicKeys must be compressed secp256k1 keys (hex)');
  if (new Set(keys).size !== keys.length) throw badRequest('wallet.invalid', 'publicKeys must be distinct');
  if (!Number.isInteger(w.threshold) || w.threshold < 1 || w.threshold > keys.length)
    throw badRequest('wallet.invalid', 'threshold must be between 1 and the number of keys');
  return {
    id: w.id,
    chain: w.chain,
    clientId: w.clientId,
    threshold: w.threshold,
    publicKeys: [...keys],
    ...(w.safeAddress ? { safeAddress: w.safeAddress } : {}),
    ...(w.relayerAddress ? { relayerAddress: w.relayerAddress } : {}),
  };
}
