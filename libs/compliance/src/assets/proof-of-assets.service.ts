import {
  ASSETS_FORMAT,
  ASSETS_VERSION,
  assetsChallengeDigest,
  bytesToHex,
  type AssetsProof,
} from '@strongroom/proof-verifier';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { domainError } from '@strongroom/shared-types';
import { ComplianceErrors } from '../compliance.errors';
import type { ChainHoldings, ChainTip, ChainTips } from '../ports';
import type { SnapshotService } from '../snapshot/snapshot.service';

/** A custody wallet as published at its key ceremony. */
export interface PublishedWallet {
  walletId: string;
  chain: string;
  threshold: number;
  publicKeys: string[];
}

/**
 * Signs digests with the custody wallets' KMS keys. Implemented by the apps allowed to hold keys
 * (withdrawal-signer, custody); compliance never imports the keys library.
 */
export interface CustodyKeySigner {
  wallets(): Promise<PublishedWallet[]>;
  sign(walletId: string, publicKey: string, digest: Uint8Array): Promise<{ r: bigint; s: bigint }>;
}

export const CUSTODY_KEY_SIGNER = Symbol('CUSTODY_KEY_SIGNER');

/**
 * Proof of assets: every key of every custody wallet signs the auditor's challenge
 * through KMS, and the document lists what the wallets' addresses held at the snapshot heights.
 * `strongroom assets verify` checks it against the keys published at the ceremony.
 */
export class ProofOfAssetsService {
  constructor(
    private readonly signer: CustodyKeySigner | null,
    private readonly snapshots: SnapshotService,
    private readonly tips: ChainTips,
    private readonly holdings: ChainHoldings,
    private readonly assets: AssetRegistry,
  ) {}

  async prove(challenge: string, snapshotId: string | null): Promise<AssetsProof> {
    if (!this.signer)
      throw domainError(
        ComplianceErrors['proof_of_assets.unavailable'],
        'this app holds no custody keys; ask the withdrawal-signer or custody app',
      );
    if (challenge.length < 8 || challenge.length > 1000)
      throw domainError(
        ComplianceErrors['proof_of_assets.challenge_invalid'],
        'the challenge must be 8 to 1000 characters',
      );
    const chainTips: ChainTip[] = snapshotId
      ? (await this.snapshots.get(snapshotId)).chainTips
      : await this.tips.tips();
    const wallets: AssetsProof['wallets'] = [];
    for (const w of await this.signer.wallets()) {
      const digest = assetsChallengeDigest(challenge, w.walletId, w.chain, snapshotId);
      const signatures = [];
      for (const publicKey of w.publicKeys) {
        const sig = await this.signer.sign(w.walletId, publicKey, digest);
        signatures.push({
          publicKey,
          r: sig.r.toString(16).padStart(64, '0'),
          s: sig.s.toString(16).padStart(64, '0'),
        });
      }
      const tip = chainTips.find((t) => t.chain === w.chain);
      const held: AssetsProof['wallets'][number]['holdings'] = [];
      if (tip) {
        for (const asset of this.assets.onChain(tip.chain)) {
          for (const h of await this.holdings.holdings(asset.code, tip)) {
            if (h.walletId === w.walletId)
              held.push({ address: h.address, asset: asset.code, amount: h.amount.toString() });
          }
        }
      }
      wallets.push({ ...w, digest: bytesToHex(digest), signatures, holdings: held });
    }
    return {
      format: ASSETS_FORMAT,
      version: ASSETS_VERSION,
      challenge,
      snapshotId,
      chainTips,
      createdAt: new Date().toISOString(),
      wallets,
    };
  }
}
