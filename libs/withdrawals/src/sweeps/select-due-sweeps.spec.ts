import fc from 'fast-check';
import { selectDueSweeps } from './select-due-sweeps';

describe('selectDueSweeps', () => {
  it('picks addresses holding at least a threshold of some asset, and the assets to sweep', () => {
    const got = selectDueSweeps(
      [
        { tag: 'a', balances: { ETH: 10n, USDC: 0n } },
        { tag: 'b', balances: { ETH: 1n, USDC: 500n } },
        { tag: 'c', balances: { ETH: 9n, USDC: 499n } },
        { tag: 'd', balances: { ETH: 100n, USDC: 1000n, DAI: 5n } },
      ],
      { ETH: 10n, USDC: 500n },
      50,
    );
    expect(got).toEqual({ tags: ['d', 'a', 'b'], assets: ['ETH', 'USDC'] });
  });

  it('never picks an empty address, nor one whose only asset has no threshold', () => {
    expect(selectDueSweeps([{ tag: 'x', balances: { ETH: 0n } }], { ETH: 0n }, 50)).toEqual({ tags: [], assets: [] });
    expect(selectDueSweeps([{ tag: 'x', balances: { DAI: 10n ** 30n } }], { ETH: 1n }, 50)).toEqual({
      tags: [],
      assets: [],
    });
  });

  it('returns at most `max` tags, each due, and only assets some chosen tag is due for', () => {
    const holding = fc.record({
      tag: fc.string({ minLength: 1, maxLength: 4 }),
      balances: fc.record({ ETH: fc.bigInt(0n, 100n), USDC: fc.bigInt(0n, 100n) }),
    });
    fc.assert(
      fc.property(
        fc.array(holding, { maxLength: 30 }),
        fc.bigInt(1n, 100n),
        fc.bigInt(1n, 100n),
        fc.integer({ min: 1, max: 10 }),
        (hs, eth, usdc, max) => {
          const thresholds = { ETH: eth, USDC: usdc };
          const got = selectDueSweeps(hs, thresholds, max);
          expect(got.tags.length).toBeLessThanOrEqual(max);
          const dueAssets = (h: (typeof hs)[number]) =>
            (['ETH', 'USDC'] as const).filter((a) => h.balances[a] >= thresholds[a]);
          for (const t of got.tags) expect(hs.some((h) => h.tag === t && dueAssets(h).length > 0)).toBe(true);
          for (const a of got.assets)
            expect(
              got.tags.some((t) => hs.some((h) => h.tag === t && dueAssets(h).includes(a as 'ETH' | 'USDC'))),
            ).toBe(true);
          const dueCount = hs.filter((h) => dueAssets(h).length > 0).length;
          expect(got.tags.length).toBe(Math.min(max, dueCount));
        },
      ),
    );
  });
});
