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
    const entries = await log.list({ fromSeq: 1, limit: 100 });
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(entries[0]).toMatchObject({
      prevHash: '0'.repeat(64),
      payload: { n: 1, amount: '12.5', at: '1970-01-01T00:00:00.000Z' },
    });
    expect(entries[1].prevHash).toBe(entries[0].hash);
    expect(entries[0].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await db.query('SELECT 1 FROM probe.things WHERE id = $1', ['t-rolled-back'])).toEqual([]);
    expect(await log.verify()).toEqual({ ok: true, checked: 5, head: { seq: 5, hash: entries[4].hash }, problems: [] });
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
    const v = await log.verify({ pageSize: 7 });
    expect(v).toMatchObject({ ok: true, checked: 29, head: { seq: 29 } });
  });

  it('lists by subject', async () => {
    expect(
      (await log.list({ fromSeq: 1, limit: 10, subjectType: 'thing', subjectId: 't3' })).map((e) => e.seq),
    ).toEqual([3]);
    expect((await log.list({ fromSeq: 4, limit: 2 })).map((e) => e.seq)).toEqual([4, 5]);
    await expect(log.list({ limit: 5000 })).rejects.toThrow(/limit/);
  });

  it('is not confused by entries appended while it verifies', async () => {
    const [v] = await Promise.all([
      log.verify({ pageSize: 2 }),
      ...Array.from({ length: 6 }, (_, i) =>
        log.record({ actor, action: 'thing.noted', subject: { type: 'thing', id: `late${i}` } }),
      ),
    ]);
    expect(v.ok).toBe(true);
    const all = await log.verify();
    expect(all).toMatchObject({ ok: true, checked: 35 });
  });

  it('flags an entry inserted behind the append path', async () => {
    const { db } = ctx();
    await db.transaction((tx) =>
      tamper(
        tx,
        "INSERT INTO audit.entries (seq, at, actor_id, actor_role, action, subject_type, subject_id, payload, payload_hash, prev_hash, hash) VALUES (36, now(), 'a', 'b', 'c', 'd', 'e', '{}', repeat('0', 64), repeat('0', 64), repeat('1', 64))",
      ),
    );
    expect((await log.verify()).problems).toEqual([expect.objectContaining({ seq: 36, kind: 'beyond_head' })]);
    await db.transaction((tx) => tamper(tx, 'DELETE FROM audit.entries WHERE seq = 36'));
    expect((await log.verify()).ok).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries and any direct change of the head', async () => {
    const { db } = ctx();
    for (const sql of [
      "UPDATE audit.entries SET action = 'x' WHERE seq = 2",
      'DELETE FROM audit.entries WHERE seq = 2',
      'TRUNCATE audit.entries',
      'UPDATE audit.head SET seq = 1',
      'DELETE FROM audit.head',
      'TRUNCATE audit.head',
      "INSERT INTO audit.entries (seq, at, actor_id, actor_role, action, subject_type, subject_id, payload, payload_hash, prev_hash, hash) VALUES (99, now(), 'a', 'b', 'c', 'd', 'e', '{}', repeat('0', 64), repeat('0', 64), repeat('1', 64))",
    ]) {
      await expect(db.query(sql)).rejects.toThrow(/append-only|moves only|does not extend/);
    }
    expect((await log.verify()).ok).toBe(true);
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
    expect((await log.verify()).problems).toContainEqual(expect.objectContaining({ seq: 28, kind: 'missing' }));
  });

  it('catches a rewritten history against a published anchor', async () => {
    const { db } = ctx();
    const anchor = { seq: 5, hash: (await log.list({ fromSeq: 5, limit: 1 }))[0].hash };
    await db.transaction((tx) => tamper(tx, 'DELETE FROM audit.entries WHERE seq >= 5'));
    const v = await log.verify({ anchor });
    expect(v.problems).toContainEqual(expect.objectContaining({ seq: 5, kind: 'anchor_mismatch' }));
  });

  it('is provided by AuditModule over the app database', async () => {
    @Module({ imports: [DatabaseModule.forInstance(ctx().db), AuditModule] })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    try {
      expect((await app.get(AuditLog).head()).seq).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
