import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1';
import { bytesToHex, hexToBytes } from '@noble/curves/utils';
import type { DigestSignature } from '@strongroom/chains-core';
import type { DigestSigner } from '@strongroom/withdrawals';
import { KeyErrors, hexDigestSignature } from '@strongroom/keys';
import { domainError } from '@strongroom/shared-types';
import type { Prng } from '../prng';
import { SimulatorErrors } from '../simulator.errors';

/**
 * A simulated KMS at the DIGEST_SIGNER port: real secp256k1 keys (deterministic from the seed,
 * RFC 6979 signatures, low-S as the keys library returns them) behind the failures the keys
 * library surfaces once its own retries are spent: throttling, timeouts, and disabled keys.
 */
export class SimKms implements DigestSigner {
  private readonly keys = new Map<string, Uint8Array>();
  private readonly disabled = new Map<string, number>();
  quiet = false;
  pThrottle = 0.03;
  pTimeout = 0.02;
  readonly counts = { signed: 0, throttled: 0, timedOut: 0, disabled: 0 };

  constructor(private readonly rng: Prng) {}

  /** Creates a key (deterministic from its label) and returns its compressed public key. */
  createKey(label: string): string {
    const secret = createHash('sha256').update(`sim-kms:${label}`).digest();
    const pub = bytesToHex(secp256k1.getPublicKey(secret, true));
    this.keys.set(pub, secret);
    return pub;
  }

  publicKeys(): string[] {
    return [...this.keys.keys()];
  }

  /** Disables a key for `steps` simulation steps (an operator's mistake, then re-enabled). */
  disable(publicKey: string, steps: number): void {
    this.disabled.set(publicKey, steps);
  }

  tick(): void {
    for (const [k, n] of this.disabled)
      if (n <= 1) this.disabled.delete(k);
      else this.disabled.set(k, n - 1);
  }

  reset(): void {
    this.disabled.clear();
  }

  async sign(walletId: string, publicKey: string, digest: string): Promise<DigestSignature> {
    const secret = this.keys.get(publicKey);
    if (!secret) throw domainError(KeyErrors['kms.key_not_found'], `no KMS key for ${publicKey} (wallet ${walletId})`);
    if (!this.quiet) {
      if (this.disabled.has(publicKey)) {
        this.counts.disabled++;
        throw domainError(KeyErrors['kms.key_disabled'], `KMS key of ${publicKey} is disabled (simulated)`);
      }
      if (this.rng.chance(this.pThrottle)) {
        this.counts.throttled++;
        throw domainError(KeyErrors['kms.throttled'], 'KMS throttled every attempt (simulated)');
      }
      if (this.rng.chance(this.pTimeout)) {
        this.counts.timedOut++;
        throw domainError(SimulatorErrors['kms.timeout'], 'KMS did not answer in time (simulated)');
      }
    }
    const sig = secp256k1.sign(hexToBytes(digest), secret, { lowS: true });
    this.counts.signed++;
    return hexDigestSignature(publicKey, digest, sig);
  }
}
