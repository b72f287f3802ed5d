// Test fixture: a ledger sequencer in a process of its own on the spec's PostgreSQL
// (DATABASE_URL), for the specs that SIGKILL it. `mid-round`: runs one round (the sequencer's
// own statement) and stops before COMMIT, printing the stamps it gave. `loop`: stamps every
// millisecond until killed.
import { openDatabase, type Database } from '@strongroom/persistence';
import { LedgerSequencer, ROUND_LIMIT, STAMP_SQL } from '../sequencer';

/** One round inside a transaction that never commits: the process is killed holding it. */
async function midRound(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    const [{ before }] = await tx.query<{ before: string }>('SELECT last::text AS before FROM ledger.sequencer');
    await tx.query(STAMP_SQL, [ROUND_LIMIT, []]);
    const stamped = await tx.query<{ ticket: string; first_sequence: string }>(
      `SELECT ticket::text AS ticket, first_sequence::text AS first_sequence FROM ledger.batches
        WHERE first_sequence > $1 ORDER BY first_sequence`,
      [before],
    );
    console.log(`stamped ${JSON.stringify(stamped.map((s) => [s.ticket, s.first_sequence]))}`);
    await new Promise(() => undefined);
  });
}

const mode = process.argv[2] ?? 'loop';
openDatabase({ databaseUrl: process.env.DATABASE_URL, migrate: false, poolSize: 2 })
  .then(async (db) => {
    if (mode === 'mid-round') return midRound(db);
    LedgerSequencer.of(db).start(1, (err) => console.error(`round failed: ${String(err)}`));
    console.log('stamping');
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
