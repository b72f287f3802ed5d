import { createHash } from 'node:crypto';
import { address as baddress, networks, type Network } from 'bitcoinjs-lib';
import type { BitcoinNetworkName, BitcoinScript, RecoveryWallet } from './recovery-format';

/**
 * The custody script rule, restated from libs/chains/bitcoin/README.md so the tool needs none of
 * our code: tag = SHA-256("strongroom/btc-deposit-tag/v1" ‖ 0x00 ‖ account)[0..20]; witness script
 * = PUSH20 tag, OP_DROP, OP_m, the n keys sorted bytewise, OP_n, OP_CHECKMULTISIG; output =
 * OP_0 PUSH32 SHA-256(witness script).
 */
const TAG_DOMAIN = 'strongroom/btc-deposit-tag/v1';
const OP_DROP = 0x75;
const OP_CHECKMULTISIG = 0xae;

export function accountTag(account: string): Buffer {
  const h = createHash('sha256')
    .update(TAG_DOMAIN, 'utf8')
    .update(Buffer.from([0]))
    .update(account, 'utf8');
  return h.digest().subarray(0, 20);
}

export function taggedMultisig(tag: Buffer, threshold: number, publicKeys: string[]): Buffer {
  const keys = publicKeys.map((k) => Buffer.from(k, 'hex')).sort(Buffer.compare);
  if (keys.length < 1 || keys.length > 16 || threshold < 1 || threshold > keys.length)
    throw new Error(`cannot build a ${threshold}-of-${keys.length} script`);
  if (tag.length !== 20) throw new Error('the tag must be 20 bytes');
  const parts: Buffer[] = [Buffer.from([20]), tag, Buffer.from([OP_DROP, 0x50 + threshold])];
  for (const k of keys) parts.push(Buffer.from([33]), k);
  parts.push(Buffer.from([0x50 + keys.length, OP_CHECKMULTISIG]));
  return Buffer.concat(parts);
}

export function p2wshOutput(witnessScript: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x20]), createHash('sha256').update(witnessScript).digest()]);
}

export function networkOf(name: BitcoinNetworkName): Network {
  return name === 'mainnet' ? networks.bitcoin : name === 'testnet' ? networks.testnet : networks.regtest;
}

/** Re-derives one script of the file from the wallet's keys and the account; any difference refuses the file. */
export function checkScript(wallet: RecoveryWallet, s: BitcoinScript, network: BitcoinNetworkName): void {
  const where = `wallet ${wallet.label}: ${s.kind} script ${s.address}`;
  const tag = accountTag(s.account);
  if (tag.toString('hex') !== s.scriptTag) throw new Error(`${where}: the tag is not the hash of its account`);
  const ws = taggedMultisig(
    tag,
    wallet.threshold,
    wallet.keys.map((k) => k.publicKey),
  );
  if (ws.toString('hex') !== s.witnessScript) throw new Error(`${where}: the witness script is not the wallet's`);
  const spk = p2wshOutput(ws);
  if (spk.toString('hex') !== s.scriptPubKey) throw new Error(`${where}: the output script does not match`);
  if (baddress.fromOutputScript(spk, networkOf(network)) !== s.address)
    throw new Error(`${where}: the address does not encode the output script`);
  if (!new RegExp(`^addr\\(${s.address}\\)#[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{8}$`).test(s.descriptor))
    throw new Error(`${where}: the descriptor is not addr(<address>)#checksum`);
}

/** Worst-case weight units of one custody input (signatures ≤ 72 bytes each). */
export function custodyInputWeight(threshold: number, scriptLength: number): number {
  const varint = (n: number) => (n < 0xfd ? 1 : 3);
  return 4 * 41 + varint(threshold + 2) + 1 + threshold * 73 + varint(scriptLength) + scriptLength;
}
