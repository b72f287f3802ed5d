// Test fixture: a chainer in a process of its own on the spec's PostgreSQL (DATABASE_URL), for
// the specs that SIGKILL it. `mid-round`: links one round and stops before COMMIT, printing what
// it linked. `leader`: runs the chainer loop and says once it leads.
import { openDatabase } from '@strongroom/persistence';
import { AuditChainer } from '../chain/audit-chainer';
import { chainRound } from '../chain/chain-round';

async function main(mode: string): Promise<void> {
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, migrate: false, poolSize: 2 });
  if (mode === 'mid-round') {
    await db.transaction(async (tx) => {
      const n = await chainRound(tx, Number(process.env.CHAIN_LIMIT ?? 1000));
      const [top] = await tx.query<{ seq: string; hash: string }>(
        'SELECT seq, hash FROM audit.entries WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1',
      );
      console.log(`linked ${n} up to ${top.seq} ${top.hash}`);
      await new Promise(() => undefined); // holds the round open until killed
    });
    return;
  }
  const chainer = new AuditChainer(db, { idleMs: 2, retryMs: 20 });
  chainer.start();
  while (!chainer.leading) await new Promise((r) => setTimeout(r, 5));
  console.log('leading');
}

main(process.argv[2] ?? 'leader').catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
