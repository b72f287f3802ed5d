import { testBackends } from '@strongroom/testing';
import type { ChainPipelineOptions, FaultHook, FaultPoint, Withdrawal } from '@strongroom/withdrawals';
import { ETH, ethAddress, pipelineOf } from './testing/fixtures';
import { startTokenCustodyApp, type TokenCustodyApp } from './testing/ethereum-token-custody';

const CHAINS: ChainPipelineOptions[] = [pipelineOf('ethereum')];

// The relayer dies at each point between KMS signing and recording the broadcast; the next
// process must end with exactly one execTransaction mined: one relayer nonce and one Safe nonce
// used, the recipient paid once, the withdrawal settled once.
describe.each(testBackends())('an Ethereum withdrawal survives a relayer crash around submission [%s]', (backend) => {
  let app: TokenCustodyApp;
  beforeAll(async () => {
    app = await startTokenCustodyApp(backend, []);
  });
  afterAll(async () => {
    await app?.close();
  });

  const crashAt =
    (point: FaultPoint): FaultHook =>
    async (p) => {
      if (p === point) throw new Error(`crash at ${p}`);
    };

  it.each(['signer.after_sign', 'broadcaster.after_broadcast'] as FaultPoint[])(
    'crash at %s → exactly one submission after restart',
    async (point) => {
      const { t, anvil, custody } = app;
      const user = `u-${point.split('.')[0]}`;
      await app.deposit('crash', user, 'ETH', 2n * ETH);
      const to = ethAddress(point.length);
      const nonceOf = () =>
        anvil.rpc<string>('eth_getTransactionCount', [custody.relayer.address, 'latest']).then(Number);
      const relayerBefore = await nonceOf();
      const safeBefore = (await custody.adapter.safeState(custody.safe)).nonce;
      const paidBefore = await anvil.balance(to);
      const res = await t.call(
        t.keys.backend,
        'POST',
        '/v1/withdrawals',
        { clientId: 'crash', userId: user, asset: 'ETH', amount: '750000000000000000', destination: to },
        { 'Idempotency-Key': `crash-${point}` },
      );
      const w = (await res.json()) as Withdrawal;
      expect(w.status).toBe('approved');

      await expect(t.runner(CHAINS, crashAt(point)).tick()).rejects.toThrow(`crash at ${point}`);
      // The dead process's lease runs out; a new one carries on from what is stored.
      t.clock.advance(30_001);
      const runner = t.runner(CHAINS);
      await runner.tick();
      await anvil.mine(2);
      await runner.tick();
      const done = (await (await t.call(t.keys.backend, 'GET', `/v1/withdrawals/${w.id}`)).json()) as Withdrawal;
      expect(done.status).toBe('settled');
      expect((await nonceOf()) - relayerBefore).toBe(1);
      expect((await custody.adapter.safeState(custody.safe)).nonce - safeBefore).toBe(1n);
      expect((await anvil.balance(to)) - paidBefore).toBe((3n * ETH) / 4n);
      const legs = await t.tdb.db.query(`SELECT id FROM ledger.transfers WHERE id = $1`, [`withdrawal:${w.id}:payout`]);
      expect(legs).toHaveLength(1);
      expect((await t.ledger.checkInvariants()).ok).toBe(true);
    },
  );
});
