import { describeEachBackend } from '@strongroom/testing';
import { depositTransferId } from './deposit-book';
import { depositsContext } from '../deposits.context';
import { FollowerFixture } from '../testing/follower-fixture';
import type { ScriptedTx } from '../testing/scripted-chain';
import { AuditLog } from '@strongroom/audit';

let txCounter = 0;
const tx = (...outputs: [string, bigint][]): ScriptedTx => ({
  txid: (++txCounter).toString(16).padStart(64, 'a'),
  outputs: outputs.map(([address, amount]) => ({ address, asset: 'BTC', amount })),
});

describeEachBackend('deposit follower on a scripted chain', { contexts: [depositsContext] }, (ctx) => {
  let f: FollowerFixture;

  beforeAll(async () => {
    f = new FollowerFixture(ctx().db);
    await f.registerOperatorWallet();
  });

  it('credits a deposit exactly once after 3 confirmations, per output, with events in order', async () => {
    const alice = await f.address('acme', 'alice');
    const bob = await f.address('acme', 'bob');
    const follower = f.follower();
    f.chain.mine();
    await follower.syncToTip();

    const t1 = tx([alice, 1000n], [bob, 2000n], ['bcrt1qsomeoneelse000000000000000', 5n], [alice, 300n]);
    f.chain.mempool.push(t1);
    await follower.syncToTip();
    await follower.step();
    expect((await f.queries.deposits({ txid: t1.txid })).map((d) => [d.index, d.state])).toEqual([
      ['0', 'seen'],
      ['1', 'seen'],
      ['3', 'seen'],
    ]);

    f.chain.mine([t1]);
    await follower.syncToTip();
    expect((await f.queries.deposits({ txid: t1.txid })).map((d) => [d.state, d.confirmations])).toEqual([
      ['confirming', 1],
      ['confirming', 1],
      ['confirming', 1],
    ]);
    f.chain.mine();
    await follower.syncToTip();
    expect(await f.userBalance('acme', 'alice')).toBe(0n);
    f.chain.mine();
    await follower.syncToTip();
    expect(await f.userBalance('acme', 'alice')).toBe(1300n);
    expect(await f.userBalance('acme', 'bob')).toBe(2000n);
    f.chain.mineEmpty(5);
    await follower.syncToTip();
    await f.follower().syncToTip(); // a restarted follower changes nothing
    expect(await f.userBalance('acme', 'alice')).toBe(1300n);
    const deposits = await f.queries.deposits({ txid: t1.txid });
    expect(deposits.map((d) => [d.userId, d.amount, d.state, d.credits])).toEqual([
      ['alice', 1000n, 'credited', 1],
      ['bob', 2000n, 'credited', 1],
      ['alice', 300n, 'credited', 1],
    ]);
    expect(
      await f.existingTransfers(['0', '1', '3'].map((i) => depositTransferId('deposit', 'bitcoin', t1.txid, i, 1))),
    ).toHaveLength(3);
    const events = await f.events(`deposit:bitcoin:${t1.txid}:0`);
    expect(events.map((e) => e.type)).toEqual(['deposit.seen', 'deposit.confirming', 'deposit.credited']);
    const credited = JSON.parse(events[2].body) as { data: Record<string, unknown> };
    expect(credited.data).toMatchObject({
      amount: '1000',
      state: 'credited',
      confirmations: 3,
      requiredConfirmations: 3,
      userId: 'alice',
      clientId: 'acme',
    });
  });

  it('drops an unconfirmed deposit a reorg removes, and keeps one the new branch includes again', async () => {
    const carol = await f.address('acme', 'carol');
    const follower = f.follower();
    await follower.syncToTip();
    const gone = tx([carol, 10n]);
    const moved = tx([carol, 20n]);
    f.chain.mine([gone, moved]);
    await follower.syncToTip();
    f.chain.reorg(1, [[], [moved]]); // `gone` is evicted, `moved` lands one block later
    const steps = await follower.syncToTip();
    expect(steps.some((s) => s.kind === 'reorg')).toBe(true);
    expect((await f.queries.deposits({ txid: gone.txid }))[0].state).toBe('dropped');
    expect((await f.queries.deposits({ txid: moved.txid }))[0]).toMatchObject({
      state: 'confirming',
      blockHeight: f.chain.heightOf(moved.txid),
    });
    f.chain.mineEmpty(2);
    await follower.syncToTip();
    expect((await f.queries.deposits({ txid: moved.txid }))[0].state).toBe('credited');
    expect(await f.userBalance('acme', 'carol')).toBe(20n);
    expect((await f.events(`deposit:bitcoin:${gone.txid}`)).map((e) => e.type)).toEqual([
      'deposit.seen',
      'deposit.confirming',
      'deposit.dropped',
    ]);
  });

  it('reverses a credited deposit a deep reorg removes: correcting transfer, incident, event; shortfall to the incident account', async () => {
    const dave = await f.address('beta', 'dave');
    const erin = await f.address('beta', 'erin');
    const follower = f.follower();
    await follower.syncToTip();
    const d1 = tx([dave, 5000n]);
    const e1 = tx([erin, 7000n]);
    f.chain.mine([d1, e1]);
    f.chain.mineEmpty(3);
    await follower.syncToTip();
    expect(await f.userBalance('beta', 'dave')).toBe(5000n);
    expect(await f.userBalance('beta', 'erin')).toBe(7000n);

    // Erin spends 6000 of her 7000 before the reorg (a transfer out of her account).
    const erinAcct = (await f.ledger.findAccount({ clientId: 'beta', ownerId: 'erin', asset: 'BTC', kind: 'user' }))!;
    const spent = await f.ledger.openAccount({
      clientId: 'operator',
      ownerId: 'payouts',
      asset: 'BTC',
      kind: 'equity',
    });
    await f.ledger.transfer({
      id: `spend:${e1.txid}`,
      debitAccountId: erinAcct.id,
      creditAccountId: spent.id,
      amount: 6000n,
    });

    f.chain.reorg(5, [[], [], [], [], [], []]); // both evicted, the new branch is longer
    await follower.syncToTip();
    const [dd] = await f.queries.deposits({ txid: d1.txid });
    const [ee] = await f.queries.deposits({ txid: e1.txid });
    expect([dd.state, ee.state]).toEqual(['reversed', 'reversed']);
    expect(await f.userBalance('beta', 'dave')).toBe(0n);
    expect(await f.userBalance('beta', 'erin')).toBe(0n);
    const incidents = await f.queries.incidents({ clientId: 'beta' });
    expect(incidents.map((i) => [i.userId, i.amount, i.recovered, i.shortfall])).toEqual([
      ['dave', 5000n, 5000n, 0n],
      ['erin', 7000n, 1000n, 6000n],
    ]);
    expect(
      await f.existingTransfers([
        depositTransferId('reversal', 'bitcoin', d1.txid, '0', 1),
        depositTransferId('reversal', 'bitcoin', e1.txid, '0', 1),
        depositTransferId('reversal-shortfall', 'bitcoin', e1.txid, '0', 1),
      ]),
    ).toHaveLength(3);
    const incidentAcct = (await f.ledger.findAccount({
      clientId: 'beta',
      ownerId: 'deposit-reversals',
      asset: 'BTC',
      kind: 'incident',
    }))!;
    const ib = await f.ledger.balances(incidentAcct.id);
    expect(ib.debitsPosted - ib.creditsPosted).toBe(6000n);
    expect((await f.events(`deposit:bitcoin:${d1.txid}`)).map((e) => e.type)).toEqual([
      'deposit.seen',
      'deposit.confirming',
      'deposit.credited',
      'deposit.reversed',
    ]);
    await new AuditLog(f.db).flush();
    const audited = await new AuditLog(f.db).list({ subjectType: 'deposit' });
    expect(audited.map((e) => [e.action, e.subject.id, (e.payload as { shortfall: string }).shortfall])).toEqual([
      ['deposit.reversed', `bitcoin:${d1.txid}:0`, '0'],
      ['deposit.reversed', `bitcoin:${e1.txid}:0`, '6000'],
    ]);
    expect((await f.ledger.checkInvariants()).ok).toBe(true);

    // The transaction is mined again later: confirmed and credited again under a numbered id.
    f.chain.mine([d1]);
    f.chain.mineEmpty(2);
    await follower.syncToTip();
    const [again] = await f.queries.deposits({ txid: d1.txid });
    expect(again).toMatchObject({ state: 'credited', credits: 2, reversals: 1 });
    expect(await f.userBalance('beta', 'dave')).toBe(5000n);
    expect(await f.existingTransfers([depositTransferId('deposit', 'bitcoin', d1.txid, '0', 2)])).toHaveLength(1);
    expect((await f.ledger.checkInvariants()).ok).toBe(true);
  });

  it('does not miss a deposit to an address issued after the watch set was loaded', async () => {
    const follower = f.follower();
    await follower.syncToTip();
    const frank = await f.addresses.issue({ clientId: 'acme', userId: 'frank', asset: 'BTC' });
    // Another replica issued it: this follower's adapter does not know it yet.
    const t = tx([frank.address.address, 42n]);
    f.chain.mine([t]);
    f.chain.mineEmpty(2);
    await follower.syncToTip();
    expect(await f.userBalance('acme', 'frank')).toBe(42n);
  });
});
