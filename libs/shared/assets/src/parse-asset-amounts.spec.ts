import { AssetRegistry } from './assets';
import { parseAssetAmounts } from './parse-asset-amounts';

describe('parseAssetAmounts', () => {
  const assets = new AssetRegistry();

  it('reads decimal amounts into base units by each asset’s decimals', () => {
    expect(parseAssetAmounts('ETH:0.05, USDC:100,BTC:0.00000001', assets)).toEqual({
      ETH: 5n * 10n ** 16n,
      USDC: 100_000_000n,
      BTC: 1n,
    });
    expect(parseAssetAmounts('', assets)).toEqual({});
  });

  it('refuses unknown assets, repeated assets, malformed pairs and amounts finer than the asset', () => {
    expect(() => parseAssetAmounts('DOGE:1', assets, 'SWEEP_THRESHOLDS')).toThrow(
      'SWEEP_THRESHOLDS: asset DOGE is not served',
    );
    expect(() => parseAssetAmounts('ETH:1,ETH:2', assets)).toThrow('given twice');
    expect(() => parseAssetAmounts('ETH=1', assets)).toThrow('is not ASSET:amount');
    expect(() => parseAssetAmounts('USDC:0.0000001', assets)).toThrow('"USDC:0.0000001"');
    expect(() => parseAssetAmounts('ETH:-1', assets)).toThrow('"ETH:-1"');
  });
});
