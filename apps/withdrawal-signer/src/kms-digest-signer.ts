import type { DigestSignature } from '@strongroom/chains-core';
import { KeyErrors, type KeyRegistry, type KmsSigner, type Wallet } from '@strongroom/keys';
import type { DigestSigner } from '@strongroom/withdrawals';
import { domainError } from '@strongroom/shared-types';

/**
 * The pipeline's DIGEST_SIGNER over KMS: the key registry maps a wallet's public key to its KMS
 * key id; KmsSigner signs, normalises to low-S and verifies locally. Only wallets the registry
 * marks usable (keys re-checked against KMS) may sign.
 */
export class KmsDigestSigner implements DigestSigner {
  private readonly wallets = new Map<string, Promise<Wallet>>();
  /** KMS Sign calls made (for the benchmark's signatures-per-withdrawal figure). */
  signatures = 0;

  constructor(
    private readonly kms: Pick<KmsSigner, 'signDigest'>,
    private readonly registry: Pick<KeyRegistry, 'assertUsable'>,
  ) {}

  async sign(walletId: string, publicKey: string, digest: string): Promise<DigestSignature> {
    const wallet = await this.wallet(walletId);
    const key = [...wallet.keys, ...(wallet.relayer ? [wallet.relayer] : [])].find(
      (k) => k.publicKey.toLowerCase() === publicKey.toLowerCase(),
    );
    if (!key)
      throw domainError(
        KeyErrors['keys.not_in_wallet'],
        `public key ${publicKey.slice(0, 16)}… is not a key of wallet ${wallet.label}`,
        { walletId },
      );
    const hex = digest.replace(/^0x/, '');
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw domainError(KeyErrors['keys.bad_digest'], 'a digest is 32 bytes of hex');
    // One bounded retry policy, KmsSigner's: it retries throttling, timeouts and resets itself.
    const sig = await this.kms.signDigest(key.kmsKeyId, Buffer.from(hex, 'hex'));
    this.signatures += 1;
    return { publicKey, digest, r: hex64(sig.r), s: hex64(sig.s), recovery: sig.recovery };
  }

  private wallet(id: string): Promise<Wallet> {
    let w = this.wallets.get(id);
    if (!w) {
      w = this.registry.assertUsable(id);
      this.wallets.set(id, w);
      w.catch(() => this.wallets.delete(id));
    }
    return w;
  }
}

const hex64 = (n: bigint) => n.toString(16).padStart(64, '0');
