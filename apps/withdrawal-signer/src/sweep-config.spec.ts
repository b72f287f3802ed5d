import { sweepFromEnv } from './sweep-config';

describe('sweepFromEnv', () => {
  it('sweeps nothing unless thresholds are set', () => {
    expect(sweepFromEnv({})).toEqual({});
    expect(sweepFromEnv({ ETHEREUM_SWEEP_THRESHOLDS: ' ' })).toEqual({});
  });

  it('reads thresholds in decimal units, the interval and the gas price cap in gwei', () => {
    expect(
      sweepFromEnv({
        ETHEREUM_SWEEP_THRESHOLDS: 'ETH:0.05,USDC:100',
        ETHEREUM_SWEEP_INTERVAL_MS: '30000',
        ETHEREUM_SWEEP_MAX_FEE_GWEI: '1.5',
      }),
    ).toEqual({
      sweep: {
        thresholds: { ETH: 5n * 10n ** 16n, USDC: 100_000_000n },
        intervalMs: 30_000,
        maxFeePerGas: 1_500_000_000n,
      },
    });
  });

  it('refuses settings it cannot read, naming the variable', () => {
    expect(() => sweepFromEnv({ ETHEREUM_SWEEP_THRESHOLDS: 'ETH:0.05', ETHEREUM_SWEEP_INTERVAL_MS: 'soon' })).toThrow(
      'ETHEREUM_SWEEP_INTERVAL_MS',
    );
    expect(() => sweepFromEnv({ ETHEREUM_SWEEP_THRESHOLDS: 'XYZ:1' })).toThrow('ETHEREUM_SWEEP_THRESHOLDS: asset XYZ');
  });
});
