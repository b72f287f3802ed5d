/**
 * The custody's publication key: one secp256k1 key in KMS that signs root and user statements
 * (docs/proof-publication.md), never a wallet key, so nothing it signs can be a transaction.
 * Implemented by the apps that hold keys; compliance never imports the keys library.
 */
export interface PublicationSigner {
  /** The key's compressed public key (66 lower-case hex), as KMS reports it now. */
  publicKey(): Promise<string>;
  /** A low-S ECDSA signature of the 32-byte digest. */
  sign(digest: Uint8Array): Promise<{ r: bigint; s: bigint }>;
}

export const PUBLICATION_SIGNER = Symbol('PUBLICATION_SIGNER');
