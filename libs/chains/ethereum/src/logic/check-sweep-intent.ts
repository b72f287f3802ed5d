import { IntentMismatchError, type CustodyWallet, type UnsignedChainTx } from '@strongroom/chains-core';
import { getAddress, Transaction } from 'ethers';
import { SWEEPER_FACTORY_ABI } from '../constants';
import { SWEEPER_FACTORY_ADDRESS } from '../contracts';
import { depositSalt } from './deposit-salt';
import { ownerAddress } from './owner-address';
import { parsePayload } from './parse-payload';

/**
 * The intent check of a sweep, before the relayer digest goes to KMS: the payload must be a
 * relayer transaction on this chain calling our sweeper factory without value, for exactly the
 * approved deposit tags (in order) and tokens, into the wallet's own Safe, from the wallet's
 * relayer key, and every digest requested must be that transaction's hash for that key.
 */
export function checkSweepIntent(
  unsigned: UnsignedChainTx,
  wallet: CustodyWallet,
  intended: { tags: string[]; tokens: string[] },
  chainId: bigint,
): void {
  const p = parsePayload(unsigned.payload);
  if (p.kind !== 'relay' || p.purpose !== 'sweep') throw new IntentMismatchError('the payload is not a sweep', {});
  if (p.chainId !== chainId) throw new IntentMismatchError(`payload is for chain ${p.chainId}`, {});
  const tx = Transaction.from(p.unsignedTx);
  if (tx.chainId !== chainId || tx.type !== 2)
    throw new IntentMismatchError('the sweep is not an EIP-1559 transaction for this chain', {});
  if (!tx.to || getAddress(tx.to) !== getAddress(SWEEPER_FACTORY_ADDRESS) || tx.value !== 0n) {
    throw new IntentMismatchError('the sweep does not call the sweeper factory without value', { to: tx.to });
  }
  if (!wallet.relayerAddress || getAddress(ownerAddress(p.relayerPublicKey)) !== getAddress(wallet.relayerAddress)) {
    throw new IntentMismatchError('the relayer key is not the wallet relayer', {});
  }
  for (const d of unsigned.digests) {
    if (d.digest.toLowerCase() !== tx.unsignedHash.toLowerCase() || d.publicKey !== p.relayerPublicKey) {
      throw new IntentMismatchError('a requested digest is not the sweep transaction hash', { digest: d.digest });
    }
  }
  let decoded: { safe: string; salts: string[]; tokens: string[] };
  try {
    const r = SWEEPER_FACTORY_ABI.decodeFunctionData('sweep', tx.data);
    decoded = { safe: r[0] as string, salts: [...(r[1] as string[])], tokens: [...(r[2] as string[])] };
  } catch {
    throw new IntentMismatchError('the sweep calldata is not a sweeper-factory sweep', {});
  }
  if (!wallet.safeAddress || getAddress(decoded.safe) !== getAddress(wallet.safeAddress)) {
    throw new IntentMismatchError(`the sweep pays ${decoded.safe}, not the wallet's Safe`, { safe: decoded.safe });
  }
  const salts = intended.tags.map(depositSalt);
  if (
    decoded.salts.length !== salts.length ||
    decoded.salts.some((s, i) => s.toLowerCase() !== salts[i].toLowerCase())
  ) {
    throw new IntentMismatchError('the sweep names other deposit addresses than the approved ones', {});
  }
  const tokens = intended.tokens.map((t) => getAddress(t));
  if (decoded.tokens.length !== tokens.length || decoded.tokens.some((t, i) => getAddress(t) !== tokens[i])) {
    throw new IntentMismatchError('the sweep names other tokens than the approved ones', {});
  }
}
