import type { Tx } from '@strongroom/persistence';
import { sigkill, spawnUntil } from '@strongroom/local-services/child-process';
import { describeEachBackend } from '@strongroom/testing';
import { AuditLog } from '../audit-log';
import { auditContext } from '../audit.context';
import { AuditChainer } from './audit-chainer';
import { chainRound, type ChainTx } from './chain-round';

const actor = { id: 'w', role: 'system' };
const CHILD = 'libs/audit/src/testing/chainer-child.ts';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

class Rollback extends Error {}

/** A transaction whose `failAt`-th statement fails before it is sent: a chainer dying between statements. */
function failingAt(tx: Tx, failAt: number): ChainTx {
  let n = 0;
  return {
    query: (sql, params) => {
      if (++n === failAt) throw new Error(`chainer died before statement ${failAt}`);
      return tx.query(sql, params);
    },
  };
}

async function until(what: string, ok: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describeEachBackend('audit chainer', { contexts: [auditContext] }, (ctx) => {
  let log: AuditLog;
  beforeAll(() => {
    log = new AuditLog(ctx().db);
  });

  /** Every linked entry, in chain order. */
  const chain = () =>
    ctx().db.query<{ seq: string; subject_id: string }>(
      'SELECT seq, subject_id FROM audit.entries WHERE seq IS NOT NULL ORDER BY seq',
    );

  it('links exactly the committed entries of concurrent writers, some rolled back, into one gapless chain in (transaction, id) order', async () => {
    const { db, backend } = ctx();
    const [writers, txsEach] = backend === 'postgres' ? [20, 20] : [4, 10];
    const chainers = [1, 2].map(() => new AuditChainer(db, { idleMs: 1, batchSize: 7, retryMs: 10 }));
    for (const c of chainers) c.start();
    const committed = new Set<string>();
    let leadersSeen = 0;
    try {
      await Promise.all(
        range(1, writers).map(async (w) => {
          for (let i = 0; i < txsEach; i++) {
            const ids = range(1, 1 + ((w + i) % 3)).map((k) => `w${w}.${i}.${k}`);
            const rollback = (w * 7 + i) % 5 === 0;
            try {
              await db.transaction(async (tx) => {
                for (const id of ids) {
                  await log.append(tx, { actor, action: 'thing.noted', subject: { type: 'thing', id } });
                  await sleep((w + i) % 3); // writers overlap: commits land out of start order
                }
                if (rollback) throw new Rollback();
              });
              for (const id of ids) committed.add(id);
            } catch (err) {
              if (!(err instanceof Rollback)) throw err;
            }
            leadersSeen = Math.max(leadersSeen, chainers.filter((c) => c.leading).length);
          }
        }),
      );
      // The chainers were linking while the writers wrote, not just at the end.
      expect((await log.head()).seq).toBeGreaterThan(0);
    } finally {
      await Promise.all(chainers.map((c) => c.stop()));
    }
    expect(leadersSeen).toBe(1);
    await log.flush();
    const rows = await chain();
    expect(rows.map((r) => Number(r.seq))).toEqual(range(1, committed.size));
    expect(rows.map((r) => r.subject_id).sort()).toEqual([...committed].sort());
    const inWriterOrder = await db.query<{ seq: string }>('SELECT seq FROM audit.entries ORDER BY xact, id');
    expect(inWriterOrder.map((r) => Number(r.seq))).toEqual(range(1, committed.size));
    expect(await log.verify({ pageSize: 50 })).toMatchObject({
      ok: true,
      checked: committed.size,
      unchained: { count: 0 },
      problems: [],
    });
  });

  it('links nothing behind a transaction still open, and puts its entry first once it commits', async () => {
    const { db, backend } = ctx();
    // PGlite is one session: no other transaction is open while a round runs.
    if (backend !== 'postgres') return;
    const head = await log.head();
    let proceed!: () => void;
    const gate = new Promise<void>((r) => (proceed = r));
    let written!: () => void;
    const appended = new Promise<void>((r) => (written = r));
    const older = db.transaction(async (tx) => {
      await log.append(tx, { actor, action: 'thing.noted', subject: { type: 'thing', id: 'older' } });
      written();
      await gate;
    });
    await appended;
    // A writer does not wait for another writer's open transaction (no lock they share).
    await log.record({ actor, action: 'thing.noted', subject: { type: 'thing', id: 'newer' } });
    expect(await log.chainPending()).toBe(0);
    expect(await log.unchained()).toMatchObject({ count: 1 });
    await expect(log.flush({ timeoutMs: 200 })).rejects.toThrow(/still unchained after 200 ms/);
    proceed();
    await older;
    await log.flush();
    expect((await log.list({ fromSeq: head.seq + 1 })).map((e) => e.subject.id)).toEqual(['older', 'newer']);
  });

  it('loses nothing and links nothing twice when a round dies between any two statements', async () => {
    const { db } = ctx();
    await log.flush();
    const head = await log.head();
    for (let i = 0; i < 9; i++)
      await log.record({ actor, action: 'thing.noted', subject: { type: 'thing', id: `c${i}` } });
    // Before the head lock, before reading, before linking, and after linking but before COMMIT.
    for (const failAt of [1, 2, 3, 4]) {
      await expect(
        db.transaction(async (tx) => {
          await chainRound(failingAt(tx, failAt), 4);
          throw new Error('chainer died before COMMIT');
        }),
      ).rejects.toThrow(/chainer died before/);
      expect(await log.head()).toEqual(head);
      expect(await log.unchained()).toMatchObject({ count: 9 });
    }
    // The restarted chainer continues from the same head, in batches.
    expect(await log.chainPending(4)).toBe(4);
    await log.flush();
    const rows = await chain();
    expect(rows.map((r) => Number(r.seq))).toEqual(range(1, head.seq + 9));
    expect(rows.slice(head.seq).map((r) => r.subject_id)).toEqual(range(0, 8).map((i) => `c${i}`));
    expect(await log.verify()).toMatchObject({ ok: true, checked: head.seq + 9, unchained: { count: 0 } });
  });

  it('survives a chainer process SIGKILLed in the middle of a round: the next one links the same entries the same way', async () => {
    const { db, backend, url } = ctx();
    if (backend !== 'postgres') return; // a second process needs a server
    await log.flush();
    const head = await log.head();
    for (let i = 0; i < 12; i++)
      await log.record({ actor, action: 'thing.noted', subject: { type: 'thing', id: `k${i}` } });
    const { child, match } = await spawnUntil(
      'chainer child',
      CHILD,
      ['mid-round'],
      { DATABASE_URL: url, CHAIN_LIMIT: '8' },
      /linked (\d+) up to (\d+) ([0-9a-f]{64})/,
    );
    expect(Number(match[1])).toBe(8);
    await sigkill(child);
    expect(await log.head()).toEqual(head);
    const restarted = new AuditChainer(db, { idleMs: 1, retryMs: 10 });
    restarted.start();
    try {
      await until('the restarted chainer to link all', async () => (await log.unchained()).count === 0);
    } finally {
      await restarted.stop();
    }
    const rows = await chain();
    expect(rows.map((r) => Number(r.seq))).toEqual(range(1, head.seq + 12));
    expect(rows.slice(head.seq).map((r) => r.subject_id)).toEqual(range(0, 11).map((i) => `k${i}`));
    // Deterministic: the entry the killed round had put at that seq is there again, with the same hash.
    expect((await log.list({ fromSeq: Number(match[2]), limit: 1 }))[0].hash).toBe(match[3]);
    expect(await log.verify()).toMatchObject({ ok: true, checked: head.seq + 12 });
  });

  it('hands the lead to another process when the leader is SIGKILLed', async () => {
    const { db, backend, url } = ctx();
    if (backend !== 'postgres') return;
    const { child } = await spawnUntil('leading chainer', CHILD, ['leader'], { DATABASE_URL: url }, /leading/);
    const here = new AuditChainer(db, { idleMs: 1, retryMs: 20 });
    here.start();
    try {
      const before = (await log.head()).seq;
      await log.record({ actor, action: 'thing.noted', subject: { type: 'thing', id: 'by-child' } });
      await until('the child to link', async () => (await log.head()).seq === before + 1);
      expect(here.leading).toBe(false);
      await sigkill(child);
      await until('this process to lead', async () => here.leading);
      await log.record({ actor, action: 'thing.noted', subject: { type: 'thing', id: 'by-successor' } });
      await until('the successor to link', async () => (await log.head()).seq === before + 2);
    } finally {
      await sigkill(child);
      await here.stop();
    }
    expect(await log.verify()).toMatchObject({ ok: true, unchained: { count: 0 } });
  });
});
