import type { CustodyWallet } from '@strongroom/chains-core';
import type { Database, Tx } from '@strongroom/persistence';
import { domainError, type ChainId } from '@strongroom/shared-types';
import { WalletDirectory, type WalletRecord } from '@strongroom/wallets';
import { DepositErrors } from '../deposits.errors';
import type { CustodyWalletRecord } from '../deposits.types';

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

function toCustodyRecord(w: WalletRecord): CustodyWalletRecord {
  return {
    id: w.id,
    chain: w.chain,
    clientId: w.clientId,
    threshold: w.threshold,
    publicKeys: w.publicKeys,
    ...(w.safeAddress ? { safeAddress: w.safeAddress } : {}),
    ...(w.relayerAddress ? { relayerAddress: w.relayerAddress } : {}),
  };
}

/**
 * The deposits context's view of the wallet directory (@strongroom/wallets), which decides who
 * is served by which wallet: a client with its own wallet on a chain gets deposit addresses of
 * that wallet (segregated holdings); everyone else gets addresses of the operator's pool
 * (clientId null). Hot tier only. This context never sees a key handle or calls KMS.
 */
export class CustodyWallets {
  readonly directory: WalletDirectory;

  constructor(db: Database) {
    this.directory = new WalletDirectory(db);
  }

  /** Idempotent: the same wallet again is a no-op; a different wallet for the same id or owner is a conflict. */
  async register(input: CustodyWalletRecord): Promise<CustodyWalletRecord> {
    return toCustodyRecord(await this.directory.register(input));
  }

  /**
   * Every wallet of the chain (or all), whatever its status: addresses issued from any of them
   * still count. `clients`: only the operator's wallets and these clients' own.
   */
  async list(chain?: ChainId, clients?: readonly string[]): Promise<CustodyWalletRecord[]> {
    return (await this.directory.list({ ...(chain ? { chain } : {}), ...(clients ? { clients } : {}) })).map(
      toCustodyRecord,
    );
  }

  /** The wallet deposits of `clientId` on `chain` go to: its own, else the operator's. */
  async forClient(tx: Tx, chain: ChainId, clientId: string): Promise<CustodyWalletRecord> {
    const w = await this.directory.walletFor(chain, clientId, 'hot', tx);
    if (!w)
      throw domainError(
        DepositErrors['deposit_address.no_custody_wallet'],
        `no custody wallet is registered on ${chain} for client ${clientId} nor for the operator`,
        { chain, clientId },
      );
    return toCustodyRecord(w);
  }

  async byId(tx: Tx, id: string): Promise<CustodyWalletRecord> {
    const w = await this.directory.walletById(id, tx);
    if (!w) throw new Error(`custody wallet ${id} is not registered`);
    return toCustodyRecord(w);
  }
}
