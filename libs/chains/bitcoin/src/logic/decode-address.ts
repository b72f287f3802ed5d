import { bech32, bech32m } from 'bech32';
import bs58check from 'bs58check';
// E is the chains' error catalogue, short here because nearly every branch below names an entry.
import { ChainErrors as E, refuseAddress, type AddressRefused } from '@strongroom/chains-core';
import { bitcoinNetwork, type BitcoinNetworkName } from './bitcoin-network';

export type DecodedAddress =
  | { ok: true; kind: 'p2pkh' | 'p2sh' | 'witness'; witnessVersion?: number; script: Buffer; normalized: string }
  | AddressRefused;

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/;
const KNOWN_HRPS = ['bc', 'tb', 'bcrt'];
const KNOWN_BASE58 = new Set([0x00, 0x05, 0x6f, 0xc4]);

/**
 * Decodes a destination into its output script following BIP-173 (bech32, witness v0),
 * BIP-350 (bech32m, v1+) and base58check P2PKH/P2SH, for one network only. It says why a
 * string is refused: malformed, bad checksum, or an address of another network.
 */
export function decodeAddress(input: string, networkName: BitcoinNetworkName): DecodedAddress {
  const network = bitcoinNetwork(networkName);
  if (typeof input !== 'string' || input.length === 0 || input.length > 90)
    return refuseAddress(E['address.malformed'], 'empty or longer than 90 characters');
  const sep = input.lastIndexOf('1');
  const lower = input.toLowerCase();
  const looksBech32 = sep > 0 && KNOWN_HRPS.includes(lower.slice(0, sep));
  if (looksBech32) {
    if (input !== lower && input !== input.toUpperCase()) return refuseAddress(E['address.malformed'], 'mixed case');
    const data = lower.slice(sep + 1);
    if (data.length < 6 || [...data].some((c) => !BECH32_CHARSET.includes(c)))
      return refuseAddress(E['address.malformed'], 'not bech32 characters');
    const hrp = lower.slice(0, sep);
    const asBech32 = bech32.decodeUnsafe(lower, 90);
    const asBech32m = bech32m.decodeUnsafe(lower, 90);
    const decoded = asBech32 ?? asBech32m;
    if (!decoded) return refuseAddress(E['address.checksum'], 'bech32/bech32m checksum does not match');
    if (decoded.words.length < 1) return refuseAddress(E['address.malformed'], 'no witness version');
    const version = decoded.words[0];
    if (version > 16) return refuseAddress(E['address.malformed'], `witness version ${version} > 16`);
    if ((version === 0 && !asBech32) || (version > 0 && !asBech32m)) {
      return refuseAddress(
        E['address.checksum'],
        version === 0 ? 'witness v0 must use bech32 (BIP-173)' : 'witness v1+ must use bech32m (BIP-350)',
      );
    }
    const program = bech32.fromWordsUnsafe(decoded.words.slice(1));
    if (!program) return refuseAddress(E['address.malformed'], 'bad padding in witness program');
    if (program.length < 2 || program.length > 40)
      return refuseAddress(E['address.malformed'], `witness program of ${program.length} bytes`);
    if (version === 0 && program.length !== 20 && program.length !== 32)
      return refuseAddress(E['address.malformed'], 'v0 program must be 20 or 32 bytes');
    if (hrp !== network.bech32)
      return refuseAddress(E['address.wrong_network'], `address for "${hrp}", this network uses "${network.bech32}"`);
    const script = Buffer.concat([
      Buffer.from([version === 0 ? 0 : 0x50 + version, program.length]),
      Buffer.from(program),
    ]);
    return { ok: true, kind: 'witness', witnessVersion: version, script, normalized: lower };
  }
  if (!BASE58.test(input)) return refuseAddress(E['address.malformed'], 'neither bech32 nor base58');
  let payload: Uint8Array | undefined;
  try {
    payload = bs58check.decodeUnsafe(input);
  } catch {
    return refuseAddress(E['address.malformed'], 'not base58');
  }
  if (!payload) return refuseAddress(E['address.checksum'], 'base58check checksum does not match');
  if (payload.length !== 21) return refuseAddress(E['address.malformed'], `base58 payload of ${payload.length} bytes`);
  const version = payload[0];
  const hash = Buffer.from(payload.subarray(1));
  if (version === network.pubKeyHash) {
    return {
      ok: true,
      kind: 'p2pkh',
      script: Buffer.concat([Buffer.from([0x76, 0xa9, 0x14]), hash, Buffer.from([0x88, 0xac])]),
      normalized: input,
    };
  }
  if (version === network.scriptHash) {
    return {
      ok: true,
      kind: 'p2sh',
      script: Buffer.concat([Buffer.from([0xa9, 0x14]), hash, Buffer.from([0x87])]),
      normalized: input,
    };
  }
  if (KNOWN_BASE58.has(version))
    return refuseAddress(
      E['address.wrong_network'],
      `base58 version 0x${version.toString(16)} belongs to another network`,
    );
  return refuseAddress(E['address.malformed'], `unknown base58 version 0x${version.toString(16)}`);
}
