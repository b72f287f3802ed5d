import { describeEachBackend } from '@strongroom/testing';
import { WalletDirectory } from './wallet-directory';
import { walletsContext } from './wallets.context';

const KEYS = ['02' + '11'.repeat(32), '03' + '22'.repeat(32), '02' + '33'.repeat(32)];
const OTHER = ['03' + '44'.repeat(32), '02' + '55'.repeat(32)];
const SAFE = '0x' + 'ab'.repeat(20);

describeEachBackend('wallet directory', { contexts: [walletsContext] }, (ctx) => {
  let dir: WalletDirectory;
  beforeAll(() => {
    dir = new WalletDirectory(ctx().db);
  });

  it('registers idempotently, fills in a Safe once, and refuses different data, a taken slot or label', async () => {
    const pool = { id: 'eth-pool', chain: 'ethereum' as const, clientId: null, threshold: 2, publicKeys: KEYS };
    const first = await dir.register(pool);
    expect(first).toMatchObject({ ...pool, label: 'eth-pool', tier: 'hot', status: 'active' });
    expect(first.safeAddress).toBeUndefined();
    await expect(dir.register(pool)).resolves.toEqual(first);
    // The Safe is deployed after the ceremony: registering again with it completes the record.
    await expect(dir.register({ ...pool, safeAddress: SAFE })).resolves.toMatchObject({ safeAddress: SAFE });
    await expect(dir.register(pool)).resolves.toMatchObject({ safeAddress: SAFE });
    const conflicts = [
      { ...pool, threshold: 3 },
      { ...pool, publicKeys: [...KEYS].reverse() },
      { ...pool, clientId: 'acme' },
      { ...pool, safeAddress: '0x' + 'cd'.repeat(20) },
      { ...pool, label: 'renamed' },
      // Another wallet for the same slot (chain, operator, hot).
      { ...pool, id: 'eth-pool-2', publicKeys: OTHER },
      // A free slot (warm tier), but the label is taken.
      { ...pool, id: 'eth-pool-3', tier: 'warm' as const, label: 'eth-pool' },
    ];
    for (const c of conflicts)
      await expect(dir.register(c)).rejects.toMatchObject({ code: 'wallet.conflict', status: 409 });
    // Registered inactive, a second wallet may wait beside the one holding the slot.
    await expect(
      dir.register({ ...pool, id: 'eth-pool-2', publicKeys: OTHER, status: 'inactive' }),
    ).resolves.toMatchObject({ status: 'inactive' });
    await expect(dir.register({ ...pool, id: 'bad id' })).rejects.toMatchObject({ code: 'wallet.invalid' });
    await expect(dir.register({ ...pool, id: 'x', tier: 'lukewarm' as never })).rejects.toMatchObject({
      code: 'wallet.invalid',
      detail: expect.stringContaining('tier'),
    });
  });

  it("serves a client from its own wallet, else from the operator's pool, per tier", async () => {
    const base = { chain: 'bitcoin' as const, threshold: 1, publicKeys: [KEYS[0]] };
    expect(await dir.walletFor('bitcoin', 'acme')).toBeNull();
    await dir.register({ ...base, id: 'btc-pool', clientId: null });
    expect((await dir.walletFor('bitcoin', 'acme'))?.id).toBe('btc-pool');
    await dir.register({ ...base, id: 'btc-acme', clientId: 'acme', publicKeys: [KEYS[1]] });
    expect((await dir.walletFor('bitcoin', 'acme'))?.id).toBe('btc-acme');
    expect((await dir.walletFor('bitcoin', 'other'))?.id).toBe('btc-pool');
    expect((await dir.walletFor('bitcoin', null))?.id).toBe('btc-pool');
    expect(await dir.walletFor('bitcoin', 'acme', 'cold')).toBeNull();
    // A cold wallet is never one key: one person could move it alone.
    await expect(dir.register({ ...base, id: 'btc-cold', clientId: null, tier: 'cold' })).rejects.toMatchObject({
      code: 'wallet.invalid',
    });
    await dir.register({ ...base, id: 'btc-cold', clientId: null, tier: 'cold', threshold: 2, publicKeys: KEYS });
    expect((await dir.walletFor('bitcoin', 'acme', 'cold'))?.id).toBe('btc-cold');
    expect((await dir.walletById('btc-acme'))?.clientId).toBe('acme');
    expect(await dir.walletById('nope')).toBeNull();
  });

  it('a suspended wallet is refused, not swapped for the pool; an inactive one no longer serves', async () => {
    await dir.setStatus('btc-acme', 'suspended');
    await expect(dir.walletFor('bitcoin', 'acme')).rejects.toMatchObject({ code: 'wallet.suspended', status: 503 });
    expect((await dir.walletFor('bitcoin', 'other'))?.id).toBe('btc-pool');
    await dir.setStatus('btc-acme', 'inactive');
    expect((await dir.walletFor('bitcoin', 'acme'))?.id).toBe('btc-pool');
    // Activating a second wallet into a held slot is refused; freeing the slot first allows it.
    await expect(dir.setStatus('eth-pool-2', 'active')).rejects.toMatchObject({ code: 'wallet.slot_taken' });
    await dir.setStatus('eth-pool', 'inactive');
    await expect(dir.setStatus('eth-pool-2', 'active')).resolves.toMatchObject({ status: 'active' });
    expect((await dir.walletFor('ethereum', 'acme'))?.id).toBe('eth-pool-2');
    await expect(dir.setStatus('nope', 'active')).rejects.toMatchObject({ code: 'wallet.not_found' });
    await dir.setStatus('btc-acme', 'active');
  });

  it('lists by chain, status, tier and client scope', async () => {
    const ids = async (scope: Parameters<WalletDirectory['list']>[0]) => (await dir.list(scope)).map((w) => w.id);
    expect(await ids({})).toEqual(['btc-acme', 'btc-cold', 'btc-pool', 'eth-pool', 'eth-pool-2']);
    expect(await ids({ chain: 'ethereum' })).toEqual(['eth-pool', 'eth-pool-2']);
    expect(await ids({ statuses: ['inactive'] })).toEqual(['eth-pool']);
    expect(await ids({ chain: 'bitcoin', tier: 'hot' })).toEqual(['btc-acme', 'btc-pool']);
    // A client-scoped reader sees the operator's wallets and its clients' own only.
    expect(await ids({ chain: 'bitcoin', clients: ['other'] })).toEqual(['btc-cold', 'btc-pool']);
    expect(await ids({ chain: 'bitcoin', clients: ['acme'] })).toEqual(['btc-acme', 'btc-cold', 'btc-pool']);
  });
});
