import type { CustodyWallet } from '@strongroom/chains-core';
import type { KeyRegistry, Wallet } from '@strongroom/keys';
import { domainError, type ChainId } from '@strongroom/shared-types';
import { signsAutomatically, toChainWalletView, WalletErrors, type WalletRecord } from '@strongroom/wallets';
import type { WalletDirectory } from '@strongroom/withdrawals';

type PayingWallet = CustodyWallet & { relayerPublicKey?: string };

/**
 * The withdrawals' wallet directory port over the one wallet directory: which wallet pays is
 * decided there (`walletFor`: the client's own wallet on the chain, else the operator's pool —
 * the same wallet its deposit addresses come from), and it may pay only if the key registry has
 * verified its keys against KMS. A chosen wallet that may not sign is refused, never swapped for
 * another one: that would pay a segregated client from the pool, or the reverse. Only hot
 * wallets pay: a cold wallet is refused by name (`wallet.not_automatic`) wherever this signer
 * would pick it, before any key of it is looked up.
 */
export class RegistryWalletDirectory implements WalletDirectory {
  constructor(private readonly registry: Pick<KeyRegistry, 'directory' | 'wallets'>) {}

  async walletFor(chain: ChainId, clientId: string): Promise<PayingWallet> {
    const w = await this.registry.directory.walletFor(chain, clientId, 'hot');
    if (!w)
      throw domainError(WalletErrors['wallet.unavailable'], `no ${chain} custody wallet is registered`, { chain });
    assertAutomatic(w);
    const why = await this.unusable(w);
    if (why)
      throw domainError(WalletErrors['wallet.unavailable'], `custody wallet ${w.label} may not sign: ${why}`, {
        chain,
        walletId: w.id,
      });
    return toChainWalletView(w);
  }

  async walletById(chain: ChainId, walletId: string): Promise<PayingWallet | null> {
    const w = await this.registry.directory.walletById(walletId);
    if (!w || w.chain !== chain) return null;
    assertAutomatic(w);
    if (await this.unusable(w)) return null;
    return toChainWalletView(w);
  }

  /** Why the wallet may not sign (null: it may). */
  private async unusable(w: WalletRecord): Promise<string | null> {
    const [keys] = await this.registry.wallets(w.id);
    if (!keys) return 'its keys are not in the key registry';
    if (keys.status !== 'usable') return `its keys are ${keys.status} against KMS`;
    return null;
  }
}

/** Refuses a wallet whose tier is never signed for automatically (cold): this signer runs on its own. */
function assertAutomatic(w: WalletRecord): void {
  if (!signsAutomatically(w.tier))
    throw domainError(
      WalletErrors['wallet.not_automatic'],
      `custody wallet ${w.label} is ${w.tier}: the withdrawal signer never signs for it`,
      { chain: w.chain, walletId: w.id, tier: w.tier },
    );
}

/** A registry wallet as chain adapters take it: keys in ceremony order. */
export function toCustodyWallet(w: Wallet, safeAddress = w.safeAddress): PayingWallet {
  return {
    id: w.id,
    chain: w.chain,
    threshold: w.threshold,
    publicKeys: [...w.keys].sort((a, b) => a.position - b.position).map((k) => k.publicKey),
    ...(safeAddress ? { safeAddress } : {}),
    ...(w.relayer ? { relayerAddress: w.relayer.ethereumAddress, relayerPublicKey: w.relayer.publicKey } : {}),
  };
}
