import { ChainErrors, type DigestSignature } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import { getAddress, Signature, Transaction, zeroPadValue } from 'ethers';

/**
 * Attaches the relayer's KMS signature to its unsigned transaction: the signature must be over
 * this transaction's hash and recover to the relayer (parity from `recovery`, or found by trying
 * both). Returns the raw signed transaction and its hash.
 */
export function signRelayerTx(
  unsignedTx: string,
  relayer: string,
  sig: DigestSignature,
): { raw: string; txid: string } {
  const tx = Transaction.from(unsignedTx);
  if (sig.digest.toLowerCase().replace(/^0x/, '') !== tx.unsignedHash.slice(2).toLowerCase()) {
    throw domainError(ChainErrors['withdrawal.signature_wrong_digest'], 'the relayer signature is over another digest');
  }
  const r = zeroPadValue(sig.r.startsWith('0x') ? sig.r : `0x${sig.r}`, 32);
  const s = zeroPadValue(sig.s.startsWith('0x') ? sig.s : `0x${sig.s}`, 32);
  for (const parity of sig.recovery === undefined ? [0, 1] : [sig.recovery]) {
    const signed = tx.clone();
    signed.signature = Signature.from({ r, s, yParity: parity as 0 | 1 });
    if (signed.from && getAddress(signed.from) === getAddress(relayer))
      return { raw: signed.serialized, txid: signed.hash as string };
  }
  throw domainError(
    ChainErrors['withdrawal.signature_invalid'],
    `the relayer signature does not recover to ${relayer}`,
  );
}
