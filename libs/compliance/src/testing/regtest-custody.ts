import { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import type { CustodyWalletRecord, CustodyWallets } from '@strongroom/deposits';
import { hexDigestSignature, KmsSigner, type HexDigestSignature } from '@strongroom/keys';
import { LedgerCutReader, type LedgerService } from '@strongroom/ledger';
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
