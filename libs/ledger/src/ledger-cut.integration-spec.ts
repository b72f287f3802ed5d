import fc from 'fast-check';
import { describeEachBackend } from '@strongroom/testing';
import { ledgerContext, LedgerService } from './index';
import { openRunAccounts, runWriters, txShapeArb } from './testing/concurrent-writers';
import { checkCut } from './testing/cut-checks';

/**
 * The property the sequence exists for, under concurrent writers: every committed transfer is
 * stamped once, the stamped sequence is gap-free, a transaction that began after another's
 * commit returned comes later, each transaction's transfers are one run, rolled-back ones are
 * nowhere, and at every stamped sequence the as-of balances equal the sum of the transfers up to
 * it and form a state the ledger's checks allow. On PostgreSQL the writers are many sessions
 * (some taking their transaction id early and lingering, so id order is not commit order); on
 * PGlite they interleave on one session.
 */
describeEachBackend('ledger cut under concurrent writers', { contexts: [ledgerContext] }, (ctx) => {
  it('stamps committed transfers once, gap-free, in commit order, and every stamped sequence is an exact, valid cut', async () => {
    const { db, backend } = ctx();
    const ledger = new LedgerService(db);
    const roundErrors: unknown[] = [];
    // Background rounds run while the writers write, besides the rounds writers ask for.
    ledger.sequencer.start(2, (err) => roundErrors.push(err));
    let run = 0;
    let cuts = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(txShapeArb, { minLength: 80, maxLength: 160 }), async (shapes) => {
          const r = ++run;
          const acc = await openRunAccounts(ledger, `cut${r}`);
          const observed = await runWriters(db, ledger, acc, shapes, backend === 'postgres' ? 16 : 4, `cut${r}`);
          await ledger.sequencer.settle();
          cuts += await checkCut(db, ledger, acc, observed);
        }),
        { numRuns: backend === 'postgres' ? 6 : 3 },
      );
    } finally {
      await ledger.sequencer.stop();
    }
    expect(roundErrors).toEqual([]);
    // Enough transfers got through for the cuts to mean something (most moves spend all a user has).
    expect(cuts).toBeGreaterThan(backend === 'postgres' ? 300 : 60);
    expect((await ledger.checkInvariants()).violations).toEqual([]);
  });
});
