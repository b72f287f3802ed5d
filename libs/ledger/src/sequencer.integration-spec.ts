import fc from 'fast-check';
import type { ChildProcess } from 'node:child_process';
import { sigkill, spawnUntil } from '@strongroom/local-services/child-process';
import { describeEachBackend } from '@strongroom/testing';
import { ledgerContext, LedgerService, type Account } from './index';
import { ROUND_LIMIT, STAMP_SQL } from './sequencer';
import { openRunAccounts, runWriters, txShapeArb } from './testing/concurrent-writers';
import { checkCut } from './testing/cut-checks';

const CHILD = 'libs/ledger/src/testing/sequencer-child.ts';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The sequencer dying: a round rolled back, a stamping process SIGKILLed, its backend terminated. */
describeEachBackend('ledger sequencer crashes', { contexts: [ledgerContext] }, (ctx) => {
  let ledger: LedgerService;
  let custody: Account;
  let user: Account;
  let n = 0;
  beforeAll(async () => {
    ledger = new LedgerService(ctx().db);
    custody = await ledger.openAccount({ clientId: 'operator', ownerId: 'hot', asset: 'BTC', kind: 'custody' });
    user = await ledger.openAccount({ clientId: 'acme', ownerId: 'crash', asset: 'BTC', kind: 'user' });
  });

  const last = async () =>
    BigInt((await ctx().db.query<{ last: string }>('SELECT last::text AS last FROM ledger.sequencer'))[0].last);
  const unstamped = async () =>
    Number(
      (
        await ctx().db.query<{ n: string }>(
          'SELECT count(*)::text AS n FROM ledger.batches WHERE first_sequence IS NULL',
        )
      )[0].n,
    );
  /** Batches written inside callers' transactions: committed, and nobody waits for their stamps. */
  const writeUnstamped = async (batches: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let b = 0; b < batches; b++) {
      const batch = Array.from({ length: 1 + (b % 3) }, () => ({
        id: `crash-${++n}`,
        debitAccountId: custody.id,
        creditAccountId: user.id,
        amount: 1n,
      }));
      await ctx().db.transaction((tx) => ledger.createTransfers(batch, tx));
      ids.push(...batch.map((t) => t.id));
    }
    return ids;
  };
  const expectGapFree = async (through: bigint) => {
    expect(await unstamped()).toBe(0);
    expect(await last()).toBe(through);
    expect((await ledger.checkInvariants()).violations).toEqual([]);
  };

  it('stamps nothing in a round that dies before COMMIT; the next round continues from the last sequence', async () => {
    const before = await last();
    const ids = await writeUnstamped(6);
    expect(await unstamped()).toBe(6);
    await expect(
      ctx().db.transaction(async (tx) => {
        await tx.query(STAMP_SQL, [ROUND_LIMIT, []]);
        const [{ inside }] = await tx.query<{ inside: string }>('SELECT last::text AS inside FROM ledger.sequencer');
        expect(BigInt(inside)).toBe(before + BigInt(ids.length));
        throw new Error('the sequencer died here');
      }),
    ).rejects.toThrow('the sequencer died here');
    expect([await last(), await unstamped()]).toEqual([before, 6]);
    await ledger.sequencer.settle();
    await expectGapFree(before + BigInt(ids.length));
    const seqs = (await ledger.findTransfers(ids)).map((t) => t.sequence).sort((a, b) => (a < b ? -1 : 1));
    expect(seqs).toEqual(ids.map((_, i) => before + 1n + BigInt(i)));
  });

  it('survives a sequencer process SIGKILLed in the middle of a round: the next one stamps the same batches the same way', async () => {
    const { backend, url } = ctx();
    if (backend !== 'postgres') return; // a second process needs a server
    const before = await last();
    const ids = await writeUnstamped(9);
    const { child, match } = await spawnUntil(
      'sequencer child',
      CHILD,
      ['mid-round'],
      { DATABASE_URL: url },
      /stamped (\[.*\])\n/,
    );
    const given = JSON.parse(match[1]) as [string, string][];
    expect(given.length).toBe(9);
    await sigkill(child);
    await sleep(50); // the server notices the dropped connection and rolls the round back
    expect([await last(), await unstamped()]).toEqual([before, 9]);
    await ledger.sequencer.settle();
    await expectGapFree(before + BigInt(ids.length));
    const again = await ctx().db.query<{ ticket: string; first_sequence: string }>(
      `SELECT ticket::text AS ticket, first_sequence::text AS first_sequence FROM ledger.batches
        WHERE first_sequence > $1 ORDER BY first_sequence`,
      [before.toString()],
    );
    expect(again.map((s) => [s.ticket, s.first_sequence])).toEqual(given);
  });

  it('survives the stamping backend terminated while its round waits half-way; the sequencer keeps working', async () => {
    const { db, backend } = ctx();
    if (backend !== 'postgres') return; // one session on PGlite: nothing else can hold a row
    const before = await last();
    const ids = await writeUnstamped(5);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const lockTaken = new Promise<void>((r) => (locked = r));
    // Another session holds the newest unstamped batch row: the round's UPDATE stamps the others,
    // then waits on it, holding the sequencer row — the middle of a round.
    const holder = db.transaction(async (tx) => {
      await tx.query(
        'SELECT 1 FROM ledger.batches WHERE first_sequence IS NULL ORDER BY ticket DESC LIMIT 1 FOR UPDATE',
      );
      locked();
      await held;
    });
    await lockTaken;
    const round = ledger.sequencer.settle();
    const stamper = async () =>
      (
        await db.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE query LIKE '%ledger.stamp(%' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        )
      )[0]?.pid;
    for (let i = 0; i < 200 && !(await stamper()); i++) await sleep(10);
    const pid = await stamper();
    expect(pid).toBeDefined();
    await db.query('SELECT pg_terminate_backend($1)', [pid]);
    await expect(round).rejects.toThrow();
    release();
    await holder;
    expect([await last(), await unstamped()]).toEqual([before, 5]);
    await ledger.sequencer.settle();
    await expectGapFree(before + BigInt(ids.length));
  });

  it('keeps the cut exact with a second stamping process SIGKILLed and restarted while writers write', async () => {
    const { db, backend, url } = ctx();
    if (backend !== 'postgres') return;
    const acc = await openRunAccounts(ledger, 'kill');
    const shapes = fc.sample(fc.array(txShapeArb, { minLength: 400, maxLength: 400 }), { numRuns: 1, seed: 7 })[0];
    let child: ChildProcess | undefined;
    let writing = true;
    let kills = 0;
    const killer = (async () => {
      while (writing) {
        child = (await spawnUntil('sequencer child', CHILD, ['loop'], { DATABASE_URL: url }, /stamping/)).child;
        await sleep(30 + ((kills * 37) % 60));
        await sigkill(child);
        kills++;
      }
    })();
    try {
      const observed = await runWriters(db, ledger, acc, shapes, 12, 'kill');
      writing = false;
      await killer;
      await ledger.sequencer.settle();
      expect(await checkCut(db, ledger, acc, observed)).toBeGreaterThan(100);
    } finally {
      writing = false;
      if (child) await sigkill(child);
    }
    expect(kills).toBeGreaterThan(0);
    expect(await unstamped()).toBe(0);
    expect((await ledger.checkInvariants()).violations).toEqual([]);
  });
});
