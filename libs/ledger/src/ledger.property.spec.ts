import fc from 'fast-check';
import type { Account } from './ledger.types';
import type { ModelResult } from './model/ledger-model';
import { checkModel, modelWithAccounts, same } from './model/model-checks';
import { opsArb, toSteps, type Accounts } from './model/operations';
import { PlannerLedger } from './model/planner-ledger';

/**
 * 10,000 random operation sequences: the planner (driven in memory exactly as the service
 * drives it against the database) must agree with the naive reference model on every result
 * and balance, and both must keep the ledger invariants.
 */
const ids: Accounts = {
  users: [
    '00000000-0000-4000-8000-000000000001',
    '00000000-0000-4000-8000-000000000002',
    '00000000-0000-4000-8000-000000000003',
  ],
  custody: '00000000-0000-4000-8000-0000000000c0',
  fee: '00000000-0000-4000-8000-0000000000f0',
  ethUser: '00000000-0000-4000-8000-0000000000e0',
};

const account = (id: string, asset: string, dmnec: boolean, cmned: boolean): Account => ({
  id,
  clientId: 'c',
  ownerId: id,
  asset,
  kind: dmnec ? 'user' : cmned ? 'custody' : 'fee_revenue',
  flags: { debitsMustNotExceedCredits: dmnec, creditsMustNotExceedDebits: cmned, closed: false },
  debitsPending: 0n,
  debitsPosted: 0n,
  creditsPending: 0n,
  creditsPosted: 0n,
  createdAt: new Date(0),
});

const summary = (r: { ok: boolean; code?: string; replayed?: boolean }) =>
  r.ok ? (r.replayed ? 'replay' : 'ok') : r.code;

describe('ledger properties (planner against the reference model)', () => {
  it('agrees with the model and keeps the invariants over 10,000 random sequences', () => {
    fc.assert(
      fc.property(opsArb, (ops) => {
        const model = modelWithAccounts(ids);
        const planner = new PlannerLedger();
        for (const u of ids.users) planner.addAccount(account(u, 'BTC', true, false));
        planner.addAccount(account(ids.custody, 'BTC', false, true));
        planner.addAccount(account(ids.fee, 'BTC', false, false));
        planner.addAccount(account(ids.ethUser, 'ETH', true, false));
        let deposits = 0n;
        for (const step of toSteps(ops, ids, 'p')) {
          if (step.kind === 'sweep') {
            same(planner.expire(new Date(10_000_000_000)), model.expireAll(), 'expired');
            continue;
          }
          const expected: ModelResult[] = model.apply(step.transfers);
          const got = planner.apply(step.transfers);
          same(got.map(summary), expected.map(summary), 'results');
          step.transfers.forEach((t, i) => {
            const r = got[i];
            if (r.ok && !r.replayed && t.debitAccountId === ids.custody) deposits += r.transfer.amount;
          });
        }
        for (const a of model.accounts) {
          const p = planner.accounts.get(a.id)!;
          same(
            [p.debitsPending, p.debitsPosted, p.creditsPending, p.creditsPosted],
            [a.dp, a.dq, a.cp, a.cq],
            `balances of ${a.id}`,
          );
        }
        checkModel(model, ids, deposits);
      }),
      { numRuns: 10_000 },
    );
  });
});
