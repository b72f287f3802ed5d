import { ChainErrors, IntentMismatchError, type CustodyWallet } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import { getAddress } from 'ethers';
import { SAFE_ABI, SAFE_V141 } from './constants';
import { SWEEPER_FACTORY_ADDRESS } from './contracts';
import { decodeExecTransaction } from './logic/decode-exec-transaction';
import { ownerAddress } from './logic/owner-address';
import { EthereumRpc } from './network/ethereum-rpc';
import type { EthereumToken } from './types';

/**
 * What the Ethereum adapter's parts share: the node, the chain id, the configured tokens, the
 * addresses refused as destinations, and the Safe reads every part needs.
 */
export class EthereumContext {
  readonly rpc: EthereumRpc;
  /** Our own contracts, tokens, Safes and relayers: never a withdrawal destination. */
  readonly refused = new Set<string>();
  private readonly tokenByAsset = new Map<string, string>();
  private readonly assetByToken = new Map<string, string>();

  constructor(
    rpcUrl: string,
    readonly chainId: bigint,
    readonly network: string,
    readonly nativeAsset: string,
    tokens: EthereumToken[],
  ) {
    this.rpc = new EthereumRpc(rpcUrl, chainId);
    for (const t of tokens) {
      const address = getAddress(t.address);
      this.tokenByAsset.set(t.asset, address);
      this.assetByToken.set(address.toLowerCase(), t.asset);
      this.refused.add(address.toLowerCase());
    }
    for (const c of Object.values(SAFE_V141)) this.refused.add(c.address.toLowerCase());
    this.refused.add(SWEEPER_FACTORY_ADDRESS.toLowerCase());
  }

  readonly tokenOf = (asset: string): string | null => this.tokenByAsset.get(asset) ?? null;
  readonly assetOf = (token: string): string | null => this.assetByToken.get(token.toLowerCase()) ?? null;

  get tokens(): string[] {
    return [...this.tokenByAsset.values()];
  }

  /**
   * Whether this deployment can move `asset`: the native asset, or a token whose contract it was
   * configured with. Callers refuse other assets before accepting a request for them.
   */
  servesAsset(asset: string): boolean {
    return asset === this.nativeAsset || this.tokenByAsset.has(asset);
  }

  /** Owner addresses of a wallet, from its compressed public keys. */
  owners(wallet: CustodyWallet): string[] {
    return wallet.publicKeys.map(ownerAddress);
  }

  safeOf(wallet: CustodyWallet): string {
    if (!wallet.safeAddress) throw domainError(ChainErrors['wallet.no_safe'], `wallet ${wallet.id} has no Safe`);
    return getAddress(wallet.safeAddress);
  }

  /** The Safe's owners and threshold on chain, to compare with the wallet before trusting it. */
  async safeState(safe: string): Promise<{ owners: string[]; threshold: number; nonce: bigint }> {
    const [o, t, n] = await Promise.all([
      this.rpc.call(safe, SAFE_ABI.encodeFunctionData('getOwners')),
      this.rpc.call(safe, SAFE_ABI.encodeFunctionData('getThreshold')),
      this.rpc.call(safe, SAFE_ABI.encodeFunctionData('nonce')),
    ]);
    return {
      owners: (SAFE_ABI.decodeFunctionResult('getOwners', o)[0] as string[]).map((a) => getAddress(a)),
      threshold: Number(SAFE_ABI.decodeFunctionResult('getThreshold', t)[0]),
      nonce: SAFE_ABI.decodeFunctionResult('nonce', n)[0] as bigint,
    };
  }

  decodeExec(data: string, nonce: bigint): ReturnType<typeof decodeExecTransaction> {
    try {
      return decodeExecTransaction(data, nonce);
    } catch {
      throw new IntentMismatchError('the relayer transaction is not an execTransaction', {});
    }
  }
}
