import type { CustodyWallet } from '@strongroom/chains-core';
import type { KeyRegistry, Wallet } from '@strongroom/keys';
import type { WalletDirectory } from '@strongroom/withdrawals';
import { DomainError, type ChainId } from '@strongroom/shared-types';

export interface RegistryWalletDirectoryOptions {
  /** Ethereum: the Safe address of each wallet (by wallet id or label), from the ceremony. */
  safeAddresses?: Record<string, string>;
}

/**
 * Which wallet pays a client's withdrawals: the usable wallet labelled `<chain>-<clientId>`
 * (segregated custody) if there is one, else the usable wallet labelled `<chain>` or, failing
 * that, the oldest usable wallet of the chain (the operator's pooled custody).
 */
export class RegistryWalletDirectory implements WalletDirectory {
  constructor(
    private readonly registry: Pick<KeyRegistry, 'wallets'>,
    private readonly options: RegistryWalletDirectoryOptions = {},
  ) {}

  async walletFor(chain: ChainId, clientId: string): Promise<CustodyWallet & { relayerPublicKey?: string }> {
    const all = (await this.registry.wallets()).filter((w) => w.chain === chain && w.status === 'usable');
    const pick =
      all.find((w) => w.label === `${chain}-${clientId}`) ??
      all.find((w) => w.label === chain) ??
      all.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0];
    if (!pick)
      throw new DomainError('wallet.unavailable', 503, `no usable ${chain} custody wallet is registered`, { chain });
    return toCustodyWallet(pick, this.options.safeAddresses?.[pick.id] ?? this.options.safeAddresses?.[pick.label]);
  }

  async walletById(chain: ChainId, walletId: string): Promise<(CustodyWallet & { relayerPublicKey?: string }) | null> {
    const w = (await this.registry.wallets()).find(
      (x) => x.id === walletId && x.chain === chain && x.status === 'usable',
    );
    return w ? toCustodyWallet(w, this.options.safeAddresses?.[w.id] ?? this.options.safeAddresses?.[w.label]) : null;
  }
}

export function toCustodyWallet(w: Wallet, safeAddress?: string): CustodyWallet & { relayerPublicKey?: string } {
  return {
    id: w.id,
    chain: w.chain,
    threshold: w.threshold,
    publicKeys: [...w.keys].sort((a, b) => a.position - b.position).map((k) => k.publicKey),
    ...(safeAddress ? { safeAddress } : {}),
    ...(w.relayer ? { relayerAddress: w.relayer.ethereumAddress, relayerPublicKey: w.relayer.publicKey } : {}),
  };
}
