import { AssetRegistry } from './assets';
import { tokenContracts, withTokenContracts } from './token-contracts';

const A = '0x' + 'a1'.repeat(20);
const B = '0x' + 'b2'.repeat(20);

describe('tokenContracts', () => {
  it('lists the non-native assets of the chain that have a contract on the network, and only those', () => {
    const assets = new AssetRegistry().withAssets([
      { code: 'USDC', contracts: { mainnet: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', sepolia: A } },
      { code: 'DAI', chain: 'ethereum', decimals: 18, confirmations: 12, native: false, contracts: { mainnet: B } },
      // A native asset with a stray contract entry is never a token.
      { code: 'ETH', contracts: { sepolia: B } },
    ]);
    expect(tokenContracts(assets, 'ethereum', 'mainnet')).toEqual([
      { asset: 'USDC', address: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48' },
      { asset: 'DAI', address: B },
    ]);
    expect(tokenContracts(assets, 'ethereum', 'sepolia')).toEqual([{ asset: 'USDC', address: A }]);
    expect(tokenContracts(assets, 'ethereum', 'anvil')).toEqual([]);
    expect(tokenContracts(assets, 'bitcoin', 'mainnet')).toEqual([]);
  });

  it('the default registry serves USDC on mainnet and no token on a dev chain', () => {
    expect(tokenContracts(new AssetRegistry(), 'ethereum', 'mainnet').map((t) => t.asset)).toEqual(['USDC']);
    expect(tokenContracts(new AssetRegistry(), 'ethereum', 'anvil')).toEqual([]);
  });
});

describe('withTokenContracts', () => {
  const assets = new AssetRegistry();

  it('sets configured contracts on the network, keeping the others and the asset metadata', () => {
    const next = withTokenContracts(assets, 'ethereum', 'anvil', ` USDC : ${A} `, 'ETHEREUM_TOKENS');
    expect(tokenContracts(next, 'ethereum', 'anvil')).toEqual([{ asset: 'USDC', address: A }]);
    expect(next.get('USDC')).toMatchObject({
      decimals: 6,
      confirmations: 12,
      contracts: { mainnet: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', anvil: A },
    });
    // The registry given is not changed, and nothing configured returns it as it is.
    expect(tokenContracts(assets, 'ethereum', 'anvil')).toEqual([]);
    expect(withTokenContracts(assets, 'ethereum', 'anvil', undefined)).toBe(assets);
    expect(withTokenContracts(assets, 'ethereum', 'anvil', ' ,')).toBe(assets);
    // Configuration replaces the registry's contract on that network.
    expect(
      tokenContracts(withTokenContracts(assets, 'ethereum', 'mainnet', `USDC:${A}`), 'ethereum', 'mainnet'),
    ).toEqual([{ asset: 'USDC', address: A }]);
  });

  it('refuses what it cannot serve safely, naming the setting and the pair', () => {
    const bad = (text: string) => () => withTokenContracts(assets, 'ethereum', 'anvil', text, 'ETHEREUM_TOKENS');
    expect(bad(`DOGE:${A}`)).toThrow('ETHEREUM_TOKENS: asset DOGE is not served by this deployment');
    expect(bad(`ETH:${A}`)).toThrow('ETHEREUM_TOKENS: ETH is not a token on ethereum');
    expect(bad(`BTC:${A}`)).toThrow('ETHEREUM_TOKENS: BTC is not a token on ethereum');
    expect(bad(`USDC:${A},USDC:${B}`)).toThrow('ETHEREUM_TOKENS: asset USDC is given twice');
    expect(bad('USDC:0x1234')).toThrow('ETHEREUM_TOKENS: "USDC:0x1234" is not ASSET:0x<40 hex digits>');
    expect(bad(`USDC=${A}`)).toThrow(`"USDC=${A}" is not ASSET:0x<40 hex digits>`);
    const withDai = new AssetRegistry().withAssets([
      { code: 'DAI', chain: 'ethereum', decimals: 18, confirmations: 12, native: false },
    ]);
    expect(() =>
      withTokenContracts(
        withDai,
        'ethereum',
        'anvil',
        `USDC:${A},DAI:${A.toUpperCase().replace('0X', '0x')}`,
        'ETHEREUM_TOKENS',
      ),
    ).toThrow(`ETHEREUM_TOKENS: USDC and DAI have the same contract`);
  });
});
