import { EthereumAdapter } from '@strongroom/chains-ethereum';
import { loadWatcherConfig } from './watcher-config';

describe('loadWatcherConfig: Ethereum', () => {
  const ethereum = (env: NodeJS.ProcessEnv) => {
    const adapter = loadWatcherConfig({ ETHEREUM_RPC_URL: 'http://127.0.0.1:1', ...env }).adapters.find(
      (a) => a.chain === 'ethereum',
    ) as EthereumAdapter;
    adapter.close();
    return adapter;
  };

  it('follows internal transfers as configured, on by default only on dev chains', () => {
    const mode = (a: EthereumAdapter) => (a as unknown as { internalTransfers: string }).internalTransfers;
    expect(mode(ethereum({}))).toBe('parityTrace');
    expect(mode(ethereum({ ETHEREUM_NETWORK: 'mainnet', ETHEREUM_CHAIN_ID: '1' }))).toBe('off');
    expect(
      mode(
        ethereum({ ETHEREUM_NETWORK: 'mainnet', ETHEREUM_CHAIN_ID: '1', ETHEREUM_INTERNAL_TRANSFERS: 'callTracer' }),
      ),
    ).toBe('callTracer');
  });

  it('refuses an internal-transfer mode it does not know, naming the variable', () => {
    expect(() =>
      loadWatcherConfig({ ETHEREUM_RPC_URL: 'http://127.0.0.1:1', ETHEREUM_INTERNAL_TRANSFERS: 'traces' }),
    ).toThrow(/ETHEREUM_INTERNAL_TRANSFERS/);
  });
});

describe('loadWatcherConfig: vanished deposits', () => {
  it('takes DEPOSITS_DROP_MISSING_AFTER_MS, leaves the network default when unset, refuses nonsense', () => {
    expect(loadWatcherConfig({}).dropMissingAfterMs).toBeUndefined();
    expect(loadWatcherConfig({ DEPOSITS_DROP_MISSING_AFTER_MS: '3600000' }).dropMissingAfterMs).toBe(3_600_000);
    expect(() => loadWatcherConfig({ DEPOSITS_DROP_MISSING_AFTER_MS: 'soon' })).toThrow(
      /DEPOSITS_DROP_MISSING_AFTER_MS/,
    );
  });
});
