import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DatabaseModule } from '@strongroom/shared-http';
import type { ContextDescriptor, Tx } from '@strongroom/persistence';
import { describeEachBackend } from '@strongroom/testing';
import { AuditLog } from './audit-log';
import { AuditModule } from './audit.module';
import { auditContext } from './index';

/** A stand-in for another context's state, to show a change and its audit record commit together. */
class ProbeState1795322032771 implements MigrationInterface {
  name = 'ProbeState1795322032771';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SCHEMA probe; CREATE TABLE probe.things (id text PRIMARY KEY, state text NOT NULL)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA probe CASCADE');
  }
}

const probeContext: ContextDescriptor = {
  name: 'probe',
  schema: 'probe',
  migrations: [ProbeState1795322032771],
  dependsOn: [auditContext],
};

const actor = { id: 'op-1', role: 'admin' };

/** Tampering as a superuser would: with the user triggers off. */
async function tamper(tx: Tx, sql: string): Promise<void> {
  await tx.query('ALTER TABLE audit.entries DISABLE TRIGGER USER');
  await tx.query(sql);
  await tx.query('ALTER TABLE audit.entries ENABLE TRIGGER USER');
}

describeEachBackend('audit log', { contexts: [probeContext] }, (ctx) => {
  let log: AuditLog;
  beforeAll(() => {
    log = new AuditLog(ctx().db);
  });

  it('chains entries appended inside other transactions, committed together with their state change', async () => {
    const { db } = ctx();
    for (let i = 1; i <= 5; i++) {
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO probe.things (id, state) VALUES ($1, $2)', [`t${i}`, 'open']);
        await log.append(tx, {
          actor,
          action: 'thing.opened',
          subject: { type: 'thing', id: `t${i}` },
          payload: { n: i, amount: '12.5', at: new Date(0), nested: { z: 1, a: [1, 'x'] } },
        });
      });
    }
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO probe.things (id, state) VALUES ($1, $2)', ['t-rolled-back', 'open']);
        await log.append(tx, { actor, action: 'thing.opened', subject: { type: 'thing', id: 't-rolled-back' } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    // Durable at commit, linked after it: nothing is in the chain until a chainer round runs.
    expect(await log.list({ fromSeq: 1, limit: 100 })).toEqual([]);
    expect(await log.head()).toEqual({ seq: 0, hash: '0'.repeat(64) });
    expect((await log.verify()).unchained).toMatchObject({ count: 5, oldestAt: expect.any(String) });
    await log.flush();
    const entries = await log.list({ fromSeq: 1, limit: 100 });
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries.map((e) => e.subject.id)).toEqual(['t1', 't2', 't3', 't4', 't5']);
    expect(entries[0]).toMatchObject({
      prevHash: '0'.repeat(64),
      payload: { n: 1, amount: '12.5', at: '1970-01-01T00:00:00.000Z' },
    });
    expect(entries[1].prevHash).toBe(entries[0].hash);
    expect(entries[0].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await db.query('SELECT 1 FROM probe.things WHERE id = $1', ['t-rolled-back'])).toEqual([]);
    expect(await log.verify()).toEqual({
      ok: true,
      checked: 5,
      head: { seq: 5, hash: entries[4].hash },
      unchained: { count: 0, oldestAt: null, oldestAgeSeconds: null },
      problems: [],
    });
  });

  it('keeps one chain under concurrent appenders', async () => {
    const { db } = ctx();
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO probe.things (id, state) VALUES ($1, $2)', [`c${i}`, 'open']);
          await log.append(tx, {
            actor: { id: `w${i % 3}`, role: 'system' },
            action: 'thing.opened',
            subject: { type: 'thing', id: `c${i}` },
          });
        }),
      ),
    );
    await log.flush();
    const v = await log.verify({ pageSize: 7 });
    expect(v).toMatchObject({ ok: true, checked: 29, head: { seq: 29 }, unchained: { count: 0 } });
  });

  it('lists by subject', async () => {
    expect(
      (await log.list({ fromSeq: 1, limit: 10, subjectType: 'thing', subjectId: 't3' })).map((e) => e.seq),
    ).toEqual([3]);
    expect((await log.list({ fromSeq: 4, limit: 2 })).map((e) => e.seq)).toEqual([4, 5]);
    await expect(log.list({ limit: 5000 })).rejects.toThrow(/limit/);
  });

  it('is not confused by entries appended and linked while it verifies', async () => {
    const [v] = await Promise.all([
      log.verify({ pageSize: 2 }),
      ...Array.from({ length: 6 }, async (_, i) => {
        await log.record({ actor, action: 'thing.noted', subject: { type: 'thing', id: `late${i}` } });
        await log.chainPending();
      }),
    ]);
    expect(v.ok).toBe(true);
    await log.flush();
    expect(await log.verify()).toMatchObject({ ok: true, checked: 35, unchained: { count: 0 } });
  });

  it('reports the unchained tail without judging it, and links it on flush', async () => {
    const written = await log.record({ actor, action: 'thing.noted', subject: { type: 'thing', id: 'tail' } });
    const v = await log.verify();
    expect(v).toMatchObject({ ok: true, checked: 35, head: { seq: 35 } });
    expect(v.unchained).toEqual({ count: 1, oldestAt: written.at, oldestAgeSeconds: expect.any(Number) });
    expect(v.unchained.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(await log.unchained()).toMatchObject({ count: 1 });
    await log.flush();
    expect(await log.verify()).toMatchObject({ ok: true, checked: 36, unchained: { count: 0 } });
    expect((await log.list({ fromSeq: 36, limit: 1 }))[0]).toMatchObject({ id: written.id, at: written.at });
  });

  it('flags an entry linked behind the chainer', async () => {
    const { db } = ctx();
    await db.transaction((tx) =>
      tamper(
        tx,
        "INSERT INTO audit.entries (seq, at, actor_id, actor_role, action, subject_type, subject_id, payload, payload_hash, prev_hash, hash, xact) VALUES (37, now(), 'a', 'b', 'c', 'd', 'e', '{}', repeat('0', 64), repeat('0', 64), repeat('1', 64), '0')",
      ),
    );
    expect((await log.verify()).problems).toEqual([expect.objectContaining({ seq: 37, kind: 'beyond_head' })]);
    await db.transaction((tx) => tamper(tx, 'DELETE FROM audit.entries WHERE seq = 37'));
    expect((await log.verify()).ok).toBe(true);
  });

  it('refuses changing, deleting or truncating entries, any direct change of the head, and links that do not continue it', async () => {
    const { db } = ctx();
    const pending = await log.record({ actor, action: 'thing.noted', subject: { type: 'thing', id: 'pending' } });
    const link = (set: string) => `UPDATE audit.entries SET ${set} WHERE id = ${pending.id}`;
    for (const [sql, refusal] of [
      ["UPDATE audit.entries SET action = 'x' WHERE seq = 2", /append-only: entry 2 is chained/],
      [
        "UPDATE audit.entries SET seq = 99, prev_hash = repeat('0', 64), hash = repeat('2', 64) WHERE seq = 2",
        /append-only/,
      ],
      ['DELETE FROM audit.entries WHERE seq = 2', /append-only: DELETE refused/],
      [`DELETE FROM audit.entries WHERE id = ${pending.id}`, /append-only: DELETE refused/],
      ['TRUNCATE audit.entries', /append-only: TRUNCATE refused/],
      ['UPDATE audit.head SET seq = 1', /moves only/],
      ['DELETE FROM audit.head', /moves only/],
      ['TRUNCATE audit.head', /append-only/],
      [
        "INSERT INTO audit.entries (seq, at, actor_id, actor_role, action, subject_type, subject_id, payload, payload_hash, prev_hash, hash) VALUES (99, now(), 'a', 'b', 'c', 'd', 'e', '{}', repeat('0', 64), repeat('0', 64), repeat('1', 64))",
        /inserted unchained/,
      ],
      [link("action = 'x'"), /may only be linked/],
      [link("action = 'x', seq = 37, prev_hash = repeat('0', 64), hash = repeat('2', 64)"), /may only be linked/],
      [link("seq = 38, prev_hash = repeat('0', 64), hash = repeat('2', 64)"), /does not extend the chain head/],
      [link("seq = 37, prev_hash = repeat('0', 64), hash = repeat('2', 64)"), /does not extend the chain head/],
    ] as const) {
      await expect(db.query(sql)).rejects.toThrow(refusal);
    }
    expect((await log.verify()).ok).toBe(true);
    await log.flush();
    expect(await log.verify()).toMatchObject({ ok: true, checked: 37 });
  });

  it('detects an edited entry and says which seq', async () => {
    const { db } = ctx();
    await db.transaction((tx) => tamper(tx, "UPDATE audit.entries SET actor_id = 'someone-else' WHERE seq = 3"));
    const v = await log.verify();
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([expect.objectContaining({ seq: 3, kind: 'entry_altered' })]);
    await db.transaction((tx) => tamper(tx, "UPDATE audit.entries SET actor_id = 'op-1' WHERE seq = 3"));
    expect((await log.verify()).ok).toBe(true);
  });

  it('detects an edited payload', async () => {
    const { db } = ctx();
    const [original] = await db.query<{ payload: unknown }>('SELECT payload FROM audit.entries WHERE seq = 4');
    await db.transaction((tx) =>
      tamper(tx, `UPDATE audit.entries SET payload = jsonb_set(payload, '{amount}', '"99"') WHERE seq = 4`),
    );
    expect((await log.verify()).problems).toEqual([expect.objectContaining({ seq: 4, kind: 'payload_altered' })]);
    await db.transaction((tx) =>
      tamper(tx, `UPDATE audit.entries SET payload = '${JSON.stringify(original.payload)}'::jsonb WHERE seq = 4`),
    );
    expect((await log.verify()).ok).toBe(true);
  });

  it('detects reordered entries', async () => {
    const { db } = ctx();
    await db.transaction(async (tx) => {
      await tamper(tx, 'UPDATE audit.entries SET seq = 1000000 WHERE seq = 7');
      await tamper(tx, 'UPDATE audit.entries SET seq = 7 WHERE seq = 8');
      await tamper(tx, 'UPDATE audit.entries SET seq = 8 WHERE seq = 1000000');
    });
    const v = await log.verify();
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatchObject({ seq: 7 });
    expect(new Set(v.problems.map((p) => p.seq))).toEqual(new Set([7, 8, 9]));
    await db.transaction(async (tx) => {
      await tamper(tx, 'UPDATE audit.entries SET seq = 1000000 WHERE seq = 7');
      await tamper(tx, 'UPDATE audit.entries SET seq = 7 WHERE seq = 8');
      await tamper(tx, 'UPDATE audit.entries SET seq = 8 WHERE seq = 1000000');
    });
    expect((await log.verify()).ok).toBe(true);
  });

  it('detects a deleted entry, and a deleted tail', async () => {
    const { db } = ctx();
    await db.transaction((tx) => tamper(tx, 'DELETE FROM audit.entries WHERE seq = 10'));
    const v = await log.verify();
    expect(v.problems).toEqual([
      expect.objectContaining({ seq: 10, kind: 'missing' }),
      expect.objectContaining({ seq: 11, kind: 'chain_broken' }),
    ]);
    await db.transaction((tx) => tamper(tx, 'DELETE FROM audit.entries WHERE seq >= 28'));
    // A deleted tail is caught against the head, which only the chainer's link moves.
    expect((await log.verify()).problems).toContainEqual(expect.objectContaining({ seq: 28, kind: 'missing' }));
  });

  it('catches a rewritten history against a published anchor', async () => {
    const { db } = ctx();
    const anchor = { seq: 5, hash: (await log.list({ fromSeq: 5, limit: 1 }))[0].hash };
    await db.transaction((tx) => tamper(tx, 'DELETE FROM audit.entries WHERE seq >= 5'));
    const v = await log.verify({ anchor });
    expect(v.problems).toContainEqual(expect.objectContaining({ seq: 5, kind: 'anchor_mismatch' }));
  });

  it('is provided by AuditModule over the app database, whose chainer links new entries by itself', async () => {
    @Module({ imports: [DatabaseModule.forInstance(ctx().db), AuditModule] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      const audit = app.get(AuditLog);
      const before = (await audit.head()).seq;
      const written = await audit.record({ actor, action: 'thing.noted', subject: { type: 'thing', id: 'by-module' } });
      const deadline = Date.now() + 5_000;
      while ((await audit.head()).seq === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect((await audit.list({ fromSeq: before + 1, limit: 1 }))[0]).toMatchObject({ id: written.id });
    } finally {
      await app.close();
    }
  });
});
