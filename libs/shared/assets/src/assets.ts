import { domainError, type AssetCode, type ChainId } from '@strongroom/shared-types';
import { AssetErrors } from './asset.errors';

/** What Strongroom needs to know about an asset: data, not code, so adding an asset is a registry entry. */
export interface AssetInfo {
  code: AssetCode;
  chain: ChainId;
  decimals: number;
  /** Confirmations before a deposit is credited. */
  confirmations: number;
  /** The chain's native asset pays network fees. */
  native: boolean;
  /** ERC-20 contract address per network (checksummed). */
  contracts?: Record<string, string>;
}

export const DEFAULT_ASSETS: readonly AssetInfo[] = [
  { code: 'BTC', chain: 'bitcoin', decimals: 8, confirmations: 3, native: true },
  { code: 'ETH', chain: 'ethereum', decimals: 18, confirmations: 12, native: true },
  // Circle's USDC on mainnet; other networks take theirs from configuration (ETHEREUM_TOKENS).
  {
    code: 'USDC',
    chain: 'ethereum',
    decimals: 6,
    confirmations: 12,
    native: false,
    contracts: { mainnet: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48' },
  },
];

/**
 * The assets a deployment serves. Tests and the embedded default override confirmations and
 * token contract addresses (deployed on the local chain) through `withAssets`.
 */
export class AssetRegistry {
  private readonly byCode = new Map<AssetCode, AssetInfo>();

  constructor(assets: readonly AssetInfo[] = DEFAULT_ASSETS) {
    for (const a of assets) this.byCode.set(a.code, a);
  }

  get(code: AssetCode): AssetInfo {
    const a = this.byCode.get(code);
    if (!a)
      throw domainError(AssetErrors['asset.unknown'], `asset ${code} is not served by this deployment`, {
        asset: code,
      });
    return a;
  }

  has(code: AssetCode): boolean {
    return this.byCode.has(code);
  }

  all(): AssetInfo[] {
    return [...this.byCode.values()];
  }

  onChain(chain: ChainId): AssetInfo[] {
    return this.all().filter((a) => a.chain === chain);
  }

  /** A copy with some assets replaced or added. */
  withAssets(overrides: Partial<AssetInfo>[]): AssetRegistry {
    const next = new Map(this.byCode);
    for (const o of overrides) {
      if (!o.code) throw new Error('asset override needs a code');
      next.set(o.code, { ...(next.get(o.code) as AssetInfo), ...o } as AssetInfo);
    }
    return new AssetRegistry([...next.values()]);
  }
}
