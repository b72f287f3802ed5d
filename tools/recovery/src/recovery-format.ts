import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The file's `body.format` and `body.version`; a reader refuses any other. */
export const RECOVERY_FORMAT = 'strongroom-recovery';
export const RECOVERY_VERSION = 1;
/** Domain separator of the signed digest: a signature over it can never be a Bitcoin or Safe signature. */
export const SIGNATURE_DOMAIN = 'strongroom/recovery-export/v1';

export type BitcoinNetworkName = 'mainnet' | 'testnet' | 'regtest';

export interface RecoveryKey {
  /** Ceremony position (from 0). */
  position: number;
  /** KMS key id, ARN or alias the signatures are requested from. */
  kmsKeyId: string;
  /** Compressed SEC1 hex. */
  publicKey: string;
  /** The key's Ethereum address (checksummed), as the Safe names its owners. */
  ethereumAddress: string;
}

/** One custody P2WSH script: `<scriptTag> OP_DROP m <sorted keys> n OP_CHECKMULTISIG`. */
export interface BitcoinScript {
  /** `deposit` = a deposit address; `change` = the wallet's own address (change, consolidation). */
  kind: 'deposit' | 'change';
  /** The account string hashed into the tag (a deposit tag, or the change account). */
  account: string;
  scriptTag: string;
  witnessScript: string;
  scriptPubKey: string;
  address: string;
  /** Bitcoin Core watch-only descriptor `addr(<address>)#<checksum>`. */
  descriptor: string;
}

export interface EthereumDeposit {
  tag: string;
  asset: string;
  /** CREATE2 salt: keccak256("strongroom/ethereum/deposit/v1/" + tag). */
  salt: string;
  /** keccak256(sweeper creation code ‖ abi.encode(safe)). */
  initCodeHash: string;
  address: string;
}

export interface RecoveryWallet {
  id: string;
  label: string;
  chain: string;
  tier: string;
  /** null = the operator's pooled wallet. */
  clientId: string | null;
  status: string;
  threshold: number;
  keys: RecoveryKey[];
  relayer: RecoveryKey | null;
  bitcoin: { network: BitcoinNetworkName; scripts: BitcoinScript[] } | null;
  ethereum: { safeAddress: string | null; factory: string; deposits: EthereumDeposit[] } | null;
}

export interface RecoveryBody {
  format: typeof RECOVERY_FORMAT;
  version: typeof RECOVERY_VERSION;
  createdAt: string;
  wallets: RecoveryWallet[];
}

/** A KMS signature (r, s as 64 hex digits, s low) of one wallet key over the body digest. */
export interface RecoverySignature {
  walletId: string;
  position: number;
  publicKey: string;
  r: string;
  s: string;
}

export interface RecoveryFile {
  body: RecoveryBody;
  /** sha256(utf8(SIGNATURE_DOMAIN) ‖ 0x00 ‖ canonical(body)), hex: what operators compare. */
  digest: string;
  signatures: RecoverySignature[];
}

export function bodyDigest(body: RecoveryBody): string {
  return createHash('sha256')
    .update(SIGNATURE_DOMAIN, 'utf8')
    .update(Buffer.from([0]))
    .update(canonicalJson(body), 'utf8')
    .digest('hex');
}

/**
 * `text` edited and its digest recomputed, as anyone can without the keys (its signatures then
 * fail): what a tamper test or an auditor's what-if needs.
 */
export function redigested(
  text: string,
  edit: (file: RecoveryFile) => void,
  read: (t: string) => RecoveryFile,
): string {
  const file = read(text);
  edit(file);
  return encodeRecoveryFile({ ...file, digest: bodyDigest(file.body) });
}

/** The file as written: canonical JSON and one newline. */
export function encodeRecoveryFile(file: RecoveryFile): string {
  return `${canonicalJson(file)}\n`;
}
