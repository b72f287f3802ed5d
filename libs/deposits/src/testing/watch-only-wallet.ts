import { secp256k1 } from '@noble/curves/secp256k1';
import type { ChainId } from '@strongroom/shared-types';
import { Wallet } from 'ethers';
import type { CustodyWalletRecord } from '../deposits.types';
import type { CustodyWallets } from '../wallets/custody-wallets';

/**
 * Registers a 2-of-3 custody wallet of fresh keys nobody keeps: enough to derive and watch deposit
 * addresses, never to sign. On Ethereum it gets a random Safe address (watching needs no Safe code).
 */
export function registerWatchOnlyWallet(
  wallets: CustodyWallets,
  id: string,
  chain: ChainId,
  clientId: string | null = null,
): Promise<CustodyWalletRecord> {
  const publicKeys = [1, 2, 3].map(() =>
    Buffer.from(secp256k1.getPublicKey(secp256k1.utils.randomPrivateKey(), true)).toString('hex'),
  );
  const safe = chain === 'ethereum' ? { safeAddress: Wallet.createRandom().address } : {};
  return wallets.register({ id, chain, clientId, threshold: 2, publicKeys, ...safe });
}
