import { loadCustodyConfig } from './custody-config';

describe('loadCustodyConfig', () => {
  it('defaults to ./data, ports 7001-7003, BTC and ETH with 2 confirmations', () => {
    const c = loadCustodyConfig({});
    expect(c.dataDir).toBe(`${process.cwd()}/data`);
    expect(c.ports).toEqual({ ledger: 7001, deposits: 7002, withdrawals: 7003 });
    expect(c.assets.all().map((a) => [a.code, a.confirmations])).toEqual([
      ['BTC', 2],
      ['ETH', 2],
    ]);
    expect(c.pricesFile).toMatch(/apps\/custody\/prices\.json$/);
  });

  it('takes ports (0 = any free one), the data dir and confirmations from the environment', () => {
    const c = loadCustodyConfig({
      STRONGROOM_DATA_DIR: '/srv/sr',
      LEDGER_PORT: '0',
      DEPOSITS_PORT: '9002',
      WITHDRAWALS_PORT: '0',
      ASSET_CONFIRMATIONS: 'BTC:6',
    });
    expect(c.dataDir).toBe('/srv/sr');
    expect(c.ports).toEqual({ ledger: 0, deposits: 9002, withdrawals: 0 });
    expect(c.assets.get('BTC').confirmations).toBe(6);
    expect(c.assets.get('ETH').confirmations).toBe(12);
  });

  it.each([
    [{ LEDGER_PORT: '70000' }, /LEDGER_PORT/],
    [{ DEPOSITS_PORT: 'abc' }, /DEPOSITS_PORT/],
    [{ ASSET_CONFIRMATIONS: 'BTC' }, /ASSET_CONFIRMATIONS: "BTC" is not ASSET:N/],
    [{ ASSET_CONFIRMATIONS: 'BTC:0' }, /ASSET_CONFIRMATIONS/],
    [{ WEBHOOK_URL: 'https://hooks.example/x' }, /WEBHOOK_URL: is no longer read: .*POST \/v1\/webhooks\/endpoints/],
    [{ WEBHOOK_SECRET: 'whsec_abc' }, /WEBHOOK_SECRET: is no longer read/],
    [{ DATABASE_URL: 'postgres://x' }, /embedded default .* unset DATABASE_URL/],
  ])('fails fast with a clear message on %j', (env, message) => {
    expect(() => loadCustodyConfig(env)).toThrow(message);
  });
});
