import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { sigkill, spawnUntil } from '@strongroom/local-services/child-process';
import { holdsDataDirLock, lockDataDir } from './data-dir-lock';

const HOLDER = 'libs/persistence/src/testing/hold-data-dir.ts';

/** A real second process holding the lock; resolves once it says so. */
async function holdInChild(dir: string, mode: 'lock' | 'open' = 'lock'): Promise<ChildProcess> {
  return (await spawnUntil('holder', HOLDER, [dir, mode], {}, /held /)).child;
}

describe('lockDataDir', () => {
  let dir: string;
  const file = () => path.join(dir, 'custody.pid');
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'data-dir-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes our pid and removes it on release', () => {
    const release = lockDataDir(dir);
    expect(readFileSync(file(), 'utf8').split(' ')[0]).toBe(String(process.pid));
    expect(holdsDataDirLock(dir)).toBe(true);
    release();
    expect(existsSync(file())).toBe(false);
    expect(holdsDataDirLock(dir)).toBe(false);
  });

  it('is re-entrant: the file stays until the last holder in this process releases', () => {
    const outer = lockDataDir(dir);
    const inner = lockDataDir(dir);
    inner();
    inner(); // a second call of the same release changes nothing
    expect(existsSync(file())).toBe(true);
    outer();
    expect(existsSync(file())).toBe(false);
  });

  it('refuses a directory locked by a live process (a pid-only file, as older versions wrote)', () => {
    // The parent of this test process is alive for as long as the test runs.
    writeFileSync(file(), `${process.ppid}\n`);
    expect(() => lockDataDir(dir)).toThrow(
      new RegExp(`another custody process \\(pid ${process.ppid}\\) is using .*stop it first \\(or use its HTTP API`),
    );
  });

  it('takes over a lock left by a process that is gone', () => {
    writeFileSync(file(), '2147483646\n');
    const release = lockDataDir(dir);
    expect(readFileSync(file(), 'utf8').split(' ')[0]).toBe(String(process.pid));
    release();
  });

  it('takes over a lock whose pid now belongs to another process (start time differs)', () => {
    writeFileSync(file(), `${process.ppid} 1 ${hostname()}\n`);
    const release = lockDataDir(dir);
    expect(readFileSync(file(), 'utf8').split(' ')[0]).toBe(String(process.pid));
    release();
  });

  it('refuses a lock written on another host: it cannot tell whether that process runs', () => {
    writeFileSync(file(), '2147483646 1 some-other-host\n');
    expect(() => lockDataDir(dir)).toThrow(/pid 2147483646 on host some-other-host.*if that process is gone, delete/);
  });

  it('refuses while a real second process holds it, and takes over at once after that process is SIGKILLed', async () => {
    const child = await holdInChild(dir);
    try {
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`another custody process \\(pid ${child.pid}\\)`));
    } finally {
      await sigkill(child);
    }
    const release = lockDataDir(dir);
    expect(readFileSync(file(), 'utf8').split(' ')[0]).toBe(String(process.pid));
    release();
    // The takeover marker is kept for a while (a slow second taker of the same dead holder must lose), never the lock.
    expect(readdirSync(dir).filter((f) => f === 'custody.pid')).toEqual([]);
  }, 30_000);
});
