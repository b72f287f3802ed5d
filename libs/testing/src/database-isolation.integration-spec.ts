import type { MigrationInterface, QueryRunner } from 'typeorm';
import { describeEachBackend } from './test-database';

class CreateCounter1700000000000 implements MigrationInterface {
  name = 'CreateCounter1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS probe; CREATE TABLE probe.counter (id int PRIMARY KEY, n numeric(78,0) NOT NULL, big int8 NOT NULL DEFAULT 9007199254740993);
      INSERT INTO probe.counter (id, n) VALUES (1, 0)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA probe CASCADE`);
  }
}

const probe = { name: 'probe', schema: 'probe', migrations: [CreateCounter1700000000000], dependsOn: [] };

describeEachBackend('database transactions', { contexts: [probe] }, (ctx) => {
  it('isolates concurrent read-modify-write transactions (no lost update)', async () => {
    const { db } = ctx();
    await Promise.all(
      Array.from({ length: 50 }, () =>
        db.transaction(async (tx) => {
          const [row] = await tx.query<{ n: string }>('SELECT n FROM probe.counter WHERE id = 1 FOR UPDATE');
          await new Promise((r) => setImmediate(r));
          await tx.query('UPDATE probe.counter SET n = $1 WHERE id = 1', [(BigInt(row.n) + 1n).toString()]);
        }),
      ),
    );
    const [row] = await db.query<{ n: string }>('SELECT n FROM probe.counter WHERE id = 1');
    expect(row.n).toBe('50');
  });

  it("discards a failed transaction's writes", async () => {
    const { db } = ctx();
    await expect(
      db.transaction(async (tx) => {
        await tx.query('UPDATE probe.counter SET n = n + 1000 WHERE id = 1');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [row] = await db.query<{ n: string }>('SELECT n FROM probe.counter WHERE id = 1');
    expect(row.n).toBe('50');
  });

  it('returns numeric(78,0) and int8 exactly, as strings', async () => {
    const { db } = ctx();
    const max = ((1n << 256n) - 1n).toString();
    await db.query('UPDATE probe.counter SET n = $1 WHERE id = 1', [max]);
    const [row] = await db.query<{ n: string; big: string }>('SELECT n, big FROM probe.counter WHERE id = 1');
    expect(row.n).toBe(max);
    expect(row.big).toBe('9007199254740993');
  });

  it('refuses a nested call that would need a second session', async () => {
    const { db } = ctx();
    await expect(db.transaction(async () => db.query('SELECT 1'))).rejects.toThrow(/Tx handle/);
  });
});
