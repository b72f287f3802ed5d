// Test fixture: a ledger sequencer in a process of its own on the spec's PostgreSQL
// (DATABASE_URL), for the specs that SIGKILL it. `mid-round`: runs one round (the sequencer's
// own statement) and stops before COMMIT, printing the stamps it gave. `loop`: stamps every
// millisecond until killed.
import { openDatabase } from '@strongroom/persistence';
import { LedgerSequencer, ROUND_LIMIT, STAMP_SQL } from '../sequencer';

async function main(mode: string): Promise<void> {
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, migrate: false, poolSize: 2 });
  if (mode === 'mid-round') {
    await db.transaction(async (tx) => {
      const [{ before }] = await tx.query<{ before: string }>('SELECT last::text AS before FROM ledger.sequencer');
      await tx.query(STAMP_SQL, [ROUND_LIMIT, []]);
      const stamped = await tx.query<{ ticket: string; first_sequence: string }>(
        `SELECT ticket::text AS ticket, first_sequence::text AS first_sequence FROM ledger.batches
          WHERE first_sequence > $1 ORDER BY first_sequence`,
        [before],
      );
      console.log(`stamped ${JSON.stringify(stamped.map((s) => [s.ticket, s.first_sequence]))}`);
      await new Promise(() => undefined); // holds the round open until killed
    });
    return;
  }
  LedgerSequencer.of(db).start(1, (err) => console.error(`round failed: ${String(err)}`));
  console.log('stamping');
}

main(process.argv[2] ?? 'loop').catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
