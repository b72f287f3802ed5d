import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import { CustodyWallets, DepositAddresses, type CustodyWalletRecord } from '@strongroom/deposits';
import { hexDigestSignature, KmsSigner, type HexDigestSignature } from '@strongroom/keys';
import { LedgerCutReader, LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { startBitcoinRegtest, type BitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { BitcoinCustodyHoldings } from '../holdings/bitcoin-holdings';
import { CustodyHoldings } from '../holdings/custody-holdings';
import { FollowerChainTips } from '../holdings/follower-chain-tips';
import { LedgerUnbooked } from '../holdings/unbooked-movements';
import { StaticPriceSource } from '../prices/price-source';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { SegregationService } from '../segregation/segregation.service';
import { SnapshotService } from '../snapshot/snapshot.service';

/** A regtest node and kms-local for the file, with 2-of-3 custody wallets whose keys live in the KMS. */
export interface RegtestCustody {
  node(): BitcoinRegtest;
  /** A fresh bitcoin adapter on the node (each follower or reader keeps its own watch list). */
  adapter(): BitcoinAdapter;
  /** A 2-of-3 custody wallet of three new KMS keys, for the operator (clientId null) or one client. */
  kmsWallet(id: string, clientId: string | null): Promise<CustodyWalletRecord>;
  /** Signs a digest with the KMS key behind one of those wallets' public keys. */
  sign(publicKey: string, digest: string): Promise<HexDigestSignature>;
  /**
   * The ledger and the deposits context of one database with two KMS wallets: the operator's
   * pool and the `segregated` client's own, and the compliance services over them.
   */
  custody(db: Database, assets: AssetRegistry, suffix: string, segregated: string): Promise<RegtestCustodyWorld>;
}

export interface RegtestCustodyWorld {
  ledger: LedgerService;
  wallets: CustodyWallets;
  pool: CustodyWalletRecord;
  own: CustodyWalletRecord;
  addresses: DepositAddresses;
  services: ComplianceServices;
}

/** Starts the node and the KMS before the file's tests and stops them after. */
export function useRegtestCustody(): RegtestCustody {
  let node: BitcoinRegtest;
  let kms: KmsLocalHandle;
  let kmsSigner: KmsSigner;
  const keyIdOf = new Map<string, string>();
  beforeAll(async () => {
    [node, kms] = await Promise.all([startBitcoinRegtest(), startKmsLocal()]);
    kmsSigner = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
  });
  afterAll(async () => {
    kmsSigner?.destroy();
    await node?.stop();
    await kms?.stop();
  });
  return {
    node: () => node,
    adapter: () =>
      new BitcoinAdapter({
        network: 'regtest',
        rpcUrl: node.rpcUrl,
        rpcUser: node.rpcUser,
        rpcPassword: node.rpcPassword,
        feeRate: { min: 1, max: 50, default: 2 },
      }),
    async kmsWallet(id, clientId) {
      const publicKeys: string[] = [];
      for (let i = 0; i < 3; i++) {
        const keyId = await kms.createSigningKey();
        const pub = (await kmsSigner.publicKey(keyId)).compressedHex;
        keyIdOf.set(pub, keyId);
        publicKeys.push(pub);
      }
      return { id, chain: 'bitcoin', clientId, threshold: 2, publicKeys };
    },
    async custody(db, assets, suffix, segregated) {
      const ledger = new LedgerService(db, { sweepIntervalMs: 0 });
      const wallets = new CustodyWallets(db);
      const pool = await wallets.register(await this.kmsWallet(`btc-pool-${suffix}`, null));
      const own = await wallets.register(await this.kmsWallet(`btc-${segregated}`, segregated));
      const addresses = new DepositAddresses(db, wallets, assets, [this.adapter()], ledger);
      const services = bitcoinComplianceServices(db, { assets, ledger, wallets, adapter: this.adapter });
      return { ledger, wallets, pool, own, addresses, services };
    },
    async sign(publicKey, digest) {
      const keyId = keyIdOf.get(publicKey);
      if (!keyId) throw new Error(`no KMS key behind ${publicKey}`);
      return hexDigestSignature(publicKey, digest, await kmsSigner.signDigest(keyId, Buffer.from(digest, 'hex')));
    },
  };
}

export interface ComplianceServices {
  snapshots: SnapshotService;
  holdings: CustodyHoldings;
  reconciliations: ReconciliationService;
  segregation: SegregationService;
}

/** The compliance services over bitcoin custody holdings, priced at a fixed 60000 USD per BTC. */
export function bitcoinComplianceServices(
  db: Database,
  deps: { assets: AssetRegistry; ledger: LedgerService; wallets: CustodyWallets; adapter: () => BitcoinAdapter },
): ComplianceServices {
  const { assets, ledger, wallets, adapter } = deps;
  const cut = new LedgerCutReader(db);
  const snapshots = new SnapshotService(
    db,
    cut,
    new FollowerChainTips(db, ['bitcoin']),
    new StaticPriceSource({ quote: 'USD', prices: { BTC: '60000' } }),
    assets,
  );
  const holdings = new CustodyHoldings(assets, { bitcoin: new BitcoinCustodyHoldings(db, wallets.directory, adapter) });
  const unbooked = new LedgerUnbooked(db, assets, ledger, [adapter()]);
  const reconciliations = new ReconciliationService(db, snapshots, cut, holdings, unbooked, assets);
  return { snapshots, holdings, reconciliations, segregation: new SegregationService(db, snapshots, holdings, assets) };
}

/**
 * Issues a BTC deposit address per [client, user] and pays those given an amount in one
 * transaction (not yet mined); the addresses by user.
 */
export async function issueAndPay(
  node: BitcoinRegtest,
  addresses: DepositAddresses,
  users: [clientId: string, userId: string, sats?: bigint][],
): Promise<Record<string, string>> {
  const byUser: Record<string, string> = {};
  for (const [clientId, userId] of users)
    byUser[userId] = (await addresses.issue({ clientId, userId, asset: 'BTC' })).address.address;
  const paid = users.filter(([, , sats]) => sats !== undefined);
  await node.send(paid.map(([, userId, sats]) => ({ address: byUser[userId], sats: sats as bigint })));
  return byUser;
}
