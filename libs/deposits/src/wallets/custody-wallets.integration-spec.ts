import { describeEachBackend } from '@strongroom/testing';
import { depositsContext } from '../deposits.context';
import { TEST_KEYS } from '../testing/follower-fixture';
import { CustodyWallets } from './custody-wallets';

describeEachBackend('custody wallet registry', { contexts: [depositsContext] }, (ctx) => {
  it('registers idempotently, refuses a different wallet for the same id or owner, and picks segregated before shared', async () => {
    const { db } = ctx();
    const wallets = new CustodyWallets(db);
    const operator = { id: 'btc-op', chain: 'bitcoin' as const, clientId: null, threshold: 2, publicKeys: TEST_KEYS };
    await wallets.register(operator);
    await expect(wallets.register(operator)).resolves.toEqual(operator);
    await expect(wallets.register({ ...operator, threshold: 3 })).rejects.toMatchObject({
      code: 'wallet.conflict',
      status: 409,
    });
    await expect(wallets.register({ ...operator, id: 'btc-op-2' })).rejects.toMatchObject({ code: 'wallet.conflict' });
    await wallets.register({ ...operator, id: 'btc-acme', clientId: 'acme', publicKeys: [...TEST_KEYS].reverse() });
    const bad: [Record<string, unknown>, string][] = [
      [{ threshold: 4 }, 'threshold'],
      [{ threshold: 0 }, 'threshold'],
      [{ publicKeys: ['04' + '11'.repeat(64)] }, 'publicKeys'],
      [{ publicKeys: [TEST_KEYS[0], TEST_KEYS[0]] }, 'distinct'],
      [{ id: 'has space' }, 'wallet id'],
      [{ chain: 'dogecoin' }, 'chain'],
    ];
    for (const [patch, words] of bad) {
      await expect(
        wallets.register({ ...operator, id: 'x1', clientId: 'zeta', ...patch } as never),
      ).rejects.toMatchObject({ code: 'wallet.invalid', detail: expect.stringContaining(words) });
    }
    const picked = await db.transaction(async (tx) => [
      await wallets.forClient(tx, 'bitcoin', 'acme'),
      await wallets.forClient(tx, 'bitcoin', 'other'),
    ]);
    expect(picked.map((w) => w.id)).toEqual(['btc-acme', 'btc-op']);
    await expect(db.transaction((tx) => wallets.forClient(tx, 'ethereum', 'acme'))).rejects.toMatchObject({
      code: 'deposit_address.no_custody_wallet',
      status: 422,
    });
    expect((await wallets.list('bitcoin')).map((w) => w.id)).toEqual(['btc-acme', 'btc-op']);
  });
});
