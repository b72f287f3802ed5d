import { describeEachBackend, secondReplica } from '@strongroom/testing';
import { withdrawalsContext } from '../withdrawals.context';
import { sweepLockFor } from './sweep-lock';

// Two replicas' sweepers over one database: while one is in its sweep step the other's step does
// not run, for the same chain only; a step that throws (a crash in it) frees the lock.
describeEachBackend('sweep lock across replicas', { contexts: [withdrawalsContext] }, (ctx) => {
  const second = secondReplica(ctx);

  it('runs one replica’s sweep step at a time', async () => {
    const a = sweepLockFor(ctx().db, 'ethereum');
    const b = sweepLockFor(second(), 'ethereum');
    let release = (): void => undefined;
    let reached = (): void => undefined;
    const arrived = new Promise<void>((r) => (reached = r));
    const ran: string[] = [];
    const first = a.exclusive(async () => {
      ran.push('a');
      reached();
      await new Promise<void>((r) => (release = r));
      return 'a done';
    });
    await arrived;
    expect(await b.exclusive(async () => ran.push('b'))).toBeUndefined();
    // Another chain is not held back.
    expect(await sweepLockFor(second(), 'bitcoin').exclusive(async () => 'bitcoin ran')).toBe('bitcoin ran');
    release();
    expect(await first).toBe('a done');
    expect(await b.exclusive(async () => ran.push('b'))).toBe(2);
    expect(ran).toEqual(['a', 'b']);
  });

  it('a step that fails frees the lock for the other replica', async () => {
    const a = sweepLockFor(ctx().db, 'ethereum');
    const b = sweepLockFor(second(), 'ethereum');
    await expect(a.exclusive(async () => Promise.reject(new Error('crash in the step')))).rejects.toThrow('crash');
    expect(await b.exclusive(async () => 'b ran')).toBe('b ran');
  });
});
