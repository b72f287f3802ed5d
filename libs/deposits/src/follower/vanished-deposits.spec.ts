import { vanishOptionsFor } from './vanished-deposits';

describe('vanishOptionsFor', () => {
  it('waits 24 h on real networks and 10 min on dev chains, checking a handful per step', () => {
    expect(vanishOptionsFor('mainnet')).toEqual({ dropAfterMs: 86_400_000, checkEveryMs: 3_600_000, maxChecks: 5 });
    expect(vanishOptionsFor('regtest')).toEqual({ dropAfterMs: 600_000, checkEveryMs: 25_000, maxChecks: 5 });
    expect(vanishOptionsFor('anvil').dropAfterMs).toBe(600_000);
  });

  it('takes what is given, deriving the check interval from the bound', () => {
    expect(vanishOptionsFor('mainnet', { dropAfterMs: 48_000 })).toEqual({
      dropAfterMs: 48_000,
      checkEveryMs: 2_000,
      maxChecks: 5,
    });
    expect(vanishOptionsFor('mainnet', { dropAfterMs: 1_000, checkEveryMs: 0, maxChecks: 1 })).toEqual({
      dropAfterMs: 1_000,
      checkEveryMs: 0,
      maxChecks: 1,
    });
  });
});
