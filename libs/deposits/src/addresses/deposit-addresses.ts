import { servesAsset, type ChainAdapter } from '@strongroom/chains-core';
import { sqlState, type Database, type Tx } from '@strongroom/persistence';
import { AssetErrors, type AssetInfo, type AssetRegistry } from '@strongroom/shared-assets';
import { HttpErrors } from '@strongroom/shared-http';
import { domainError, isDomainError, type ChainId } from '@strongroom/shared-types';
import { addressKey, depositTag, ID_PATTERN } from '../deposit-tag';
import { DepositErrors } from '../deposits.errors';
import { OPERATOR_CLIENT, type DepositAddress } from '../deposits.types';
import { accountFor, type LedgerPort } from '../ledger-port';
import { CustodyWallets, toChainWallet } from '../wallets/custody-wallets';
import { watchedAddress } from './watched-address';

/** An asset this deployment does not serve: 422 here (the registry says 404), as the API always answered. */
export const UNSERVED_ASSET = { ...AssetErrors['asset.unknown'], status: 422 };

export interface IssueAddressInput {
  clientId: string;
  userId: string;
  asset: string;
  /** Ask for a new address (next index) instead of the current one. */
  fresh?: boolean;
}

type Row = Record<string, unknown>;

/**
 * Runs first in the issuing transaction and throws to refuse the client (the HTTP API passes the
 * client registry's active-client check, so a client id never opens a new namespace).
 */
export type AdmitClient = (tx: Tx) => Promise<unknown>;

export function toDepositAddress(r: Row): DepositAddress {
  return {
    id: String(r.id),
    chain: r.chain as ChainId,
    asset: String(r.asset),
    clientId: String(r.client_id),
    userId: String(r.user_id),
    index: Number(r.idx),
    walletId: String(r.wallet_id),
    tag: String(r.tag),
    address: String(r.address),
    locator: String(r.locator),
    derivation: String(r.derivation),
    createdAt: new Date(r.created_at as string),
  };
}

/**
 * Issues deposit addresses: one current address per (client, user, asset), the same on every
 * repeat, a new one (next index) only when `fresh` is asked for. The user's ledger account is
 * opened in the same transaction so balances read zero, not "not found", before a first deposit.
 */
export class DepositAddresses {
  private readonly adapters: Map<ChainId, ChainAdapter>;

  constructor(
    private readonly db: Database,
    private readonly wallets: CustodyWallets,
    private readonly assets: AssetRegistry,
    adapters: ChainAdapter[],
    private readonly ledger: LedgerPort,
  ) {
    this.adapters = new Map(adapters.map((a) => [a.chain, a]));
  }

  async issue(
    input: IssueAddressInput,
    opts: { admit?: AdmitClient } = {},
  ): Promise<{ address: DepositAddress; created: boolean }> {
    if (!ID_PATTERN.test(input.clientId) || input.clientId === OPERATOR_CLIENT) {
      throw domainError(HttpErrors['request.invalid'], 'clientId must be 1-64 of [A-Za-z0-9._-] and not "operator"', {
        field: 'clientId',
      });
    }
    if (!ID_PATTERN.test(input.userId))
      throw domainError(HttpErrors['request.invalid'], 'userId must be 1-64 of [A-Za-z0-9._-]', { field: 'userId' });
    const info = this.assetInfo(input.asset);
    const adapter = this.adapters.get(info.chain);
    if (!adapter)
      throw domainError(DepositErrors['chain.not_configured'], `this deployment does not follow ${info.chain}`, {
        chain: info.chain,
      });
    // A token whose contract this deployment does not know: its deposits would never be seen.
    if (!servesAsset(adapter.capabilities, info.code)) {
      throw domainError(
        AssetErrors['asset.not_configured'],
        `asset ${info.code} has no token contract configured on this deployment's ${info.chain} network`,
        { asset: info.code, chain: info.chain },
      );
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction((tx) => this.issueIn(tx, input, info, adapter, opts.admit));
      } catch (err) {
        // Two first requests for the same user raced for index 0: the loser reads the winner's.
        if (sqlState(err) === '23505' && attempt < 3) continue;
        throw err;
      }
    }
  }

  async list(q: {
    clientId: string;
    userId?: string;
    asset?: string;
    after?: string;
    limit?: number;
  }): Promise<DepositAddress[]> {
    const params: unknown[] = [q.clientId];
    const where = ['client_id = $1'];
    if (q.userId) where.push(`user_id = $${params.push(q.userId)}`);
    if (q.asset) where.push(`asset = $${params.push(q.asset)}`);
    if (q.after) where.push(`id > $${params.push(q.after)}`);
    const rows = await this.db.query<Row>(
      `SELECT * FROM deposits.addresses WHERE ${where.join(' AND ')} ORDER BY id LIMIT $${params.push(q.limit ?? 100)}`,
      params,
    );
    return rows.map(toDepositAddress);
  }

  private assetInfo(code: string): AssetInfo {
    try {
      return this.assets.get(code);
    } catch (err) {
      if (isDomainError(err, AssetErrors['asset.unknown']))
        throw domainError(UNSERVED_ASSET, `asset ${code} is not served by this deployment`, { asset: code });
      throw err;
    }
  }

  private async issueIn(
    tx: Tx,
    input: IssueAddressInput,
    info: AssetInfo,
    adapter: ChainAdapter,
    admit?: AdmitClient,
  ): Promise<{ address: DepositAddress; created: boolean }> {
    await admit?.(tx);
    const [latest] = await tx.query<Row>(
      `SELECT * FROM deposits.addresses WHERE client_id = $1 AND user_id = $2 AND asset = $3 ORDER BY idx DESC LIMIT 1 FOR UPDATE`,
      [input.clientId, input.userId, info.code],
    );
    if (latest && !input.fresh) return { address: toDepositAddress(latest), created: false };
    const wallet = await this.wallets.forClient(tx, info.chain, input.clientId);
    const index = latest ? Number(latest.idx) + 1 : 0;
    const tag = depositTag(input.clientId, input.userId, info.code, index);
    const derived = adapter.deriveDepositAddress(toChainWallet(wallet), tag);
    const [row] = await tx.query<Row>(
      `INSERT INTO deposits.addresses (chain, asset, client_id, user_id, idx, wallet_id, tag, address, address_key, locator, derivation)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [
        info.chain,
        info.code,
        input.clientId,
        input.userId,
        index,
        wallet.id,
        tag,
        derived.address,
        addressKey(derived.address),
        derived.locator,
        derived.derivation,
      ],
    );
    await accountFor(
      this.ledger,
      { clientId: input.clientId, ownerId: input.userId, asset: info.code, kind: 'user' },
      tx,
    );
    const address = toDepositAddress(row);
    adapter.watch([watchedAddress(info.chain, address)]);
    return { address, created: true };
  }
}
