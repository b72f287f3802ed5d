import type { Provider } from '@nestjs/common';
import type { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import type { EthereumAdapter } from '@strongroom/chains-ethereum';
import {
  BitcoinCustodyHoldings,
  CHAIN_HOLDINGS,
  CHAIN_TIPS,
  CUSTODY_KEY_SIGNER,
  CustodyHoldings,
  EthereumCustodyHoldings,
  FilePriceSource,
  FollowerChainTips,
  LEDGER_CUT,
  LedgerUnbooked,
  PRICE_SOURCE,
  PUBLICATION_SIGNER,
  UNBOOKED,
  type CustodyKeySigner,
} from '@strongroom/compliance';
import { KeyErrors, type KeyRegistry, type KmsKeyAdmin, type KmsSigner } from '@strongroom/keys';
import { LedgerCutReader, LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { domainError } from '@strongroom/shared-types';
import { signsAutomatically, WalletDirectory } from '@strongroom/wallets';
import { kmsPublicationSigner } from './publication-signer';

export interface ComplianceChains {
  /** A fresh adapter on the same node: reconciliation replays its own UTXO set up to the snapshot height. */
  newBitcoinAdapter: () => BitcoinAdapter;
  bitcoin: BitcoinAdapter;
  ethereum: EthereumAdapter;
}

/**
 * Proof of assets in the embedded default: every key of every hot wallet signs through kms-local.
 * Only wallets the registry marks usable (keys re-checked against KMS) sign. A cold wallet is left
 * out: no service signs with cold keys on its own, not even a challenge (its balances still count
 * in holdings and reconciliation; its keyholders prove control themselves).
 */
export function kmsCustodyKeySigner(
  kms: Pick<KmsSigner, 'signDigest'>,
  registry: Pick<KeyRegistry, 'wallets' | 'assertUsable'>,
): CustodyKeySigner {
  return {
    wallets: async () =>
      (await registry.wallets())
        .filter((w) => signsAutomatically(w.tier))
        .map((w) => ({
          walletId: w.id,
          chain: w.chain,
          threshold: w.threshold,
          publicKeys: w.keys.map((k) => k.publicKey),
        })),
    async sign(walletId, publicKey, digest) {
      const wallet = await registry.assertUsable(walletId);
      const key = wallet.keys.find((k) => k.publicKey.toLowerCase() === publicKey.toLowerCase());
      if (!key)
        throw domainError(
          KeyErrors['keys.not_in_wallet'],
          `public key ${publicKey.slice(0, 16)}… is not a key of wallet ${wallet.label}`,
        );
      const sig = await kms.signDigest(key.kmsKeyId, digest);
      return { r: sig.r, s: sig.s };
    },
  };
}

/**
 * The providers ComplianceModule needs in the embedded default: holdings read at the snapshot's
 * height (libs/compliance/src/holdings), unbooked movements as of its ledger sequence, tips from
 * the deposit followers' cursors, prices from a file, the custody keys for proof of assets, and the
 * publication key that signs published roots and users' statements.
 */
export function compliancePorts(
  db: Database,
  assets: AssetRegistry,
  chains: ComplianceChains,
  pricesFile: string,
  keys: {
    kms: Pick<KmsSigner, 'signDigest' | 'publicKey'>;
    registry: Pick<KeyRegistry, 'wallets' | 'assertUsable'>;
    /** The embedded default may create keys: the publication key is made on first use. */
    admin?: Pick<KmsKeyAdmin, 'createSigningKey'>;
  },
): Provider[] {
  const wallets = new WalletDirectory(db);
  const holdings = new CustodyHoldings(assets, {
    bitcoin: new BitcoinCustodyHoldings(db, wallets, chains.newBitcoinAdapter),
    ethereum: new EthereumCustodyHoldings(db, wallets, chains.ethereum),
  });
  // Only getTransfer is used (transfer sequences); this instance never writes.
  const ledger = new LedgerService(db, { sweepIntervalMs: 0 });
  return [
    { provide: LEDGER_CUT, useValue: new LedgerCutReader(db) },
    { provide: CHAIN_TIPS, useValue: new FollowerChainTips(db, ['bitcoin', 'ethereum']) },
    { provide: PRICE_SOURCE, useValue: new FilePriceSource(pricesFile) },
    { provide: CHAIN_HOLDINGS, useValue: holdings },
    { provide: UNBOOKED, useValue: new LedgerUnbooked(db, assets, ledger, [chains.bitcoin, chains.ethereum]) },
    { provide: CUSTODY_KEY_SIGNER, useValue: kmsCustodyKeySigner(keys.kms, keys.registry) },
    { provide: PUBLICATION_SIGNER, useValue: kmsPublicationSigner(keys.kms, { admin: keys.admin }) },
  ];
}
