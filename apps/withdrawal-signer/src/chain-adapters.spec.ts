import { EthereumAdapter } from '@strongroom/chains-ethereum';
import { AssetRegistry } from '@strongroom/shared-assets';
import { chainAdaptersFromEnv } from './chain-adapters';

const CONTRACT = '0x' + 'c3'.repeat(20);
// Nothing listens here: building an adapter sends no request.
const RPC = 'http://127.0.0.1:1';

const opened: EthereumAdapter[] = [];

function ethereumFrom(env: NodeJS.ProcessEnv, assets?: AssetRegistry): EthereumAdapter {
  const eth = chainAdaptersFromEnv(env, assets).find((a): a is EthereumAdapter => a instanceof EthereumAdapter);
  if (!eth) throw new Error('no Ethereum adapter');
  opened.push(eth);
  return eth;
}

describe('chainAdaptersFromEnv', () => {
  afterEach(() => {
    for (const a of opened.splice(0)) a.close();
  });

  it('serves no token on a dev chain unless ETHEREUM_TOKENS gives its contract', () => {
    const bare = ethereumFrom({ ETHEREUM_RPC_URL: RPC });
    expect([bare.servesAsset('ETH'), bare.servesAsset('USDC')]).toEqual([true, false]);
    const configured = ethereumFrom({ ETHEREUM_RPC_URL: RPC, ETHEREUM_TOKENS: `USDC:${CONTRACT}` });
    expect([configured.servesAsset('ETH'), configured.servesAsset('USDC'), configured.servesAsset('DAI')]).toEqual([
      true,
      true,
      false,
    ]);
    // The token contract is one of ours: refused as a withdrawal destination.
    expect(configured.validateAddress(CONTRACT)).toMatchObject({ ok: false, code: 'address.refused' });
  });

  it('serves the tokens the registry has a contract for on ETHEREUM_NETWORK', () => {
    expect(
      ethereumFrom({ ETHEREUM_RPC_URL: RPC, ETHEREUM_NETWORK: 'mainnet', ETHEREUM_CHAIN_ID: '1' }).servesAsset('USDC'),
    ).toBe(true);
    const assets = new AssetRegistry().withAssets([{ code: 'USDC', contracts: { sepolia: CONTRACT } }]);
    expect(
      ethereumFrom(
        { ETHEREUM_RPC_URL: RPC, ETHEREUM_NETWORK: 'sepolia', ETHEREUM_CHAIN_ID: '11155111' },
        assets,
      ).servesAsset('USDC'),
    ).toBe(true);
    expect(
      ethereumFrom(
        { ETHEREUM_RPC_URL: RPC, ETHEREUM_NETWORK: 'holesky', ETHEREUM_CHAIN_ID: '17000' },
        assets,
      ).servesAsset('USDC'),
    ).toBe(false);
  });

  it('refuses a token setting it cannot serve at start, naming the variable', () => {
    expect(() => chainAdaptersFromEnv({ ETHEREUM_RPC_URL: RPC, ETHEREUM_TOKENS: `DOGE:${CONTRACT}` })).toThrow(
      'ETHEREUM_TOKENS: asset DOGE is not served',
    );
    expect(() => chainAdaptersFromEnv({ ETHEREUM_RPC_URL: RPC, ETHEREUM_TOKENS: 'USDC:0xnope' })).toThrow(
      'ETHEREUM_TOKENS: "USDC:0xnope"',
    );
    // A mixed-case address must carry a valid checksum (the adapter checks it with ethers).
    expect(() =>
      chainAdaptersFromEnv({
        ETHEREUM_RPC_URL: RPC,
        ETHEREUM_TOKENS: 'USDC:0xa0B86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
      }),
    ).toThrow(/checksum/i);
  });
});
