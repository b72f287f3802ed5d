import fc from 'fast-check';
import { describeEachBackend } from '@strongroom/testing';
import { ledgerContext, LedgerService } from './index';
import { opsArb, toSteps, type Accounts } from './model/operations';
import { checkModel, modelWithAccounts, same } from './model/model-checks';

/**
 * A few hundred random operation sequences executed against the real database (both back ends),
 * each on fresh accounts: every result, every balance and the invariant check must match the
 * reference model.
 */
describeEachBackend('ledger properties against the database', { contexts: [ledgerContext] }, (ctx) => {
  it('matches the reference model on random sequences and keeps the invariants', async () => {
    const ledger = new LedgerService(ctx().db);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(opsArb, async (ops) => {
        const r = ++run;
        const open = (owner: string, asset: string, kind: 'user' | 'custody' | 'fee_revenue') =>
          ledger.openAccount({ clientId: `prop${r}`, ownerId: owner, asset, kind }).then((a) => a.id);
        const acc: Accounts = {
          users: [await open('u0', 'BTC', 'user'), await open('u1', 'BTC', 'user'), await open('u2', 'BTC', 'user')],
          custody: await open('custody', 'BTC', 'custody'),
          fee: await open('fee', 'BTC', 'fee_revenue'),
          ethUser: await open('u0', 'ETH', 'user'),
        };
        const model = modelWithAccounts(acc);
        let deposits = 0n;
        for (const step of toSteps(ops, acc, `r${r}`)) {
          if (step.kind === 'sweep') {
            model.expireAll();
            await ledger.expirePending(new Date(Date.now() + 10 * 3600_000));
            continue;
          }
          const expected = model.apply(step.transfers);
          const got = await ledger.createTransfers(step.transfers);
          same(
            got.map((x) => (x.ok ? (x.replayed ? 'replay' : 'ok') : x.code)),
            expected.map((x) => (x.ok ? (x.replayed ? 'replay' : 'ok') : x.code)),
            'results',
          );
          step.transfers.forEach((t, i) => {
            const x = got[i];
            if (x.ok && !x.replayed && t.debitAccountId === acc.custody) deposits += x.transfer.amount;
          });
        }
        for (const a of model.accounts) {
          const row = await ledger.getAccount(a.id);
          same(
            [row.debitsPending, row.debitsPosted, row.creditsPending, row.creditsPosted],
            [a.dp, a.dq, a.cp, a.cq],
            `balances of ${a.id}`,
          );
        }
        checkModel(model, acc, deposits);
      }),
      { numRuns: ctx().backend === 'pglite' ? 120 : 100 },
    );
    const report = await ledger.checkInvariants();
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
