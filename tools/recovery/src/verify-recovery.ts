import { secp256k1 } from '@noble/curves/secp256k1';
import { computeAddress, getAddress, getCreate2Address, keccak256, toUtf8Bytes } from 'ethers';
import { checkScript } from './bitcoin-scripts';
import { bodyDigest, type RecoveryFile, type RecoveryWallet } from './recovery-format';
import { readRecoveryFile } from './recovery-shape';

export interface WalletCheck {
  walletId: string;
  label: string;
  chain: string;
  signedBy: number[];
  threshold: number;
}

/**
 * Reads and checks a recovery file with nothing but the file: canonical form, the digest of the
 * body, for every wallet at least `threshold` valid signatures by its own keys over that digest
 * (the quorum that could move its coins anyway), each key's Ethereum address, and every Bitcoin
 * script re-derived from the keys and its account. Throws on the first failure.
 */
export function verifyRecoveryFile(text: string): { file: RecoveryFile; wallets: WalletCheck[] } {
  const file = readRecoveryFile(text);
  const digest = bodyDigest(file.body);
  if (digest !== file.digest) throw new Error(`the body's digest is ${digest}, the file says ${file.digest}`);
  const ids = new Set<string>();
  const wallets = file.body.wallets.map((w) => {
    if (ids.has(w.id)) throw new Error(`wallet ${w.id} appears twice`);
    ids.add(w.id);
    checkKeys(w);
    const signedBy = validSigners(file, w, digest);
    if (signedBy.length < w.threshold)
      throw new Error(
        `wallet ${w.label}: ${signedBy.length} valid signature(s) of its keys over the file, ${w.threshold} required`,
      );
    if (w.bitcoin) for (const s of w.bitcoin.scripts) checkScript(w, s, w.bitcoin.network);
    if (w.ethereum) checkDeposits(w, w.ethereum);
    return { walletId: w.id, label: w.label, chain: w.chain, signedBy, threshold: w.threshold };
  });
  return { file, wallets };
}

function checkKeys(w: RecoveryWallet): void {
  const positions = new Set(w.keys.map((k) => k.position));
  const pubs = new Set(w.keys.map((k) => k.publicKey));
  if (positions.size !== w.keys.length || pubs.size !== w.keys.length)
    throw new Error(`wallet ${w.label}: duplicate key position or public key`);
  if (w.threshold < 1 || w.threshold > w.keys.length) throw new Error(`wallet ${w.label}: bad threshold`);
  for (const k of [...w.keys, ...(w.relayer ? [w.relayer] : [])])
    if (computeAddress(`0x${k.publicKey}`) !== k.ethereumAddress)
      throw new Error(`wallet ${w.label}: key ${k.position} has the wrong Ethereum address`);
  if ((w.chain === 'bitcoin') !== (w.bitcoin !== null) || (w.chain === 'ethereum') !== (w.ethereum !== null))
    throw new Error(`wallet ${w.label}: its chain section does not match its chain`);
}

/** Each CREATE2 deposit address from its tag: salt = keccak256("strongroom/ethereum/deposit/v1/" + tag). */
function checkDeposits(w: RecoveryWallet, eth: NonNullable<RecoveryWallet['ethereum']>): void {
  for (const d of eth.deposits) {
    if (keccak256(toUtf8Bytes(`strongroom/ethereum/deposit/v1/${d.tag}`)) !== d.salt)
      throw new Error(`wallet ${w.label}: deposit ${d.address} has a salt that is not its tag's`);
    if (getCreate2Address(eth.factory, d.salt, d.initCodeHash) !== getAddress(d.address))
      throw new Error(`wallet ${w.label}: deposit ${d.address} is not the factory's CREATE2 address of its salt`);
  }
}

function validSigners(file: RecoveryFile, w: RecoveryWallet, digest: string): number[] {
  const signed = new Set<number>();
  for (const sig of file.signatures) {
    if (sig.walletId !== w.id) continue;
    const key = w.keys.find((k) => k.position === sig.position && k.publicKey === sig.publicKey);
    if (key && verifies(sig.r, sig.s, digest, key.publicKey)) signed.add(key.position);
  }
  return [...signed].sort((a, b) => a - b);
}

export function verifies(r: string, s: string, digestHex: string, publicKey: string): boolean {
  try {
    const sig = new secp256k1.Signature(BigInt(`0x${r}`), BigInt(`0x${s}`));
    return secp256k1.verify(sig.toCompactRawBytes(), Buffer.from(digestHex, 'hex'), Buffer.from(publicKey, 'hex'), {
      prehash: false,
      lowS: false,
    });
  } catch {
    return false;
  }
}
