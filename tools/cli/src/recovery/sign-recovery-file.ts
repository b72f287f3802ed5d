import type { KmsSigner } from '@strongroom/keys';
import {
  bodyDigest,
  verifyRecoveryFile,
  encodeRecoveryFile,
  type RecoveryBody,
  type RecoverySignature,
} from '@strongroom/recovery';

const hex64 = (n: bigint) => n.toString(16).padStart(64, '0');

/**
 * Signs the body's digest with every key of every wallet (KMS, as the keys sign withdrawals);
 * a wallet left below its threshold fails the export, naming the keys that did not sign. The
 * written text is checked with the recovery tool's own reader before it is returned.
 */
export async function signRecoveryFile(
  body: RecoveryBody,
  signer: Pick<KmsSigner, 'signDigest'>,
  log: (line: string) => void = () => undefined,
): Promise<{ text: string; digest: string }> {
  const digest = bodyDigest(body);
  const signatures: RecoverySignature[] = [];
  for (const w of body.wallets) {
    let signed = 0;
    for (const k of w.keys) {
      try {
        const sig = await signer.signDigest(k.kmsKeyId, Buffer.from(digest, 'hex'));
        signatures.push({
          walletId: w.id,
          position: k.position,
          publicKey: k.publicKey,
          r: hex64(sig.r),
          s: hex64(sig.s),
        });
        signed++;
      } catch (err) {
        log(`wallet ${w.label}: key ${k.position} (${k.kmsKeyId}) did not sign: ${(err as Error).message}`);
      }
    }
    if (signed < w.threshold)
      throw new Error(`wallet ${w.label}: only ${signed} of its keys signed the recovery file, ${w.threshold} needed`);
  }
  const text = encodeRecoveryFile({ body, digest, signatures });
  verifyRecoveryFile(text);
  return { text, digest };
}
