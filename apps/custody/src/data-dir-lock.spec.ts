import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lockDataDir } from './data-dir-lock';

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'custody-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes our pid and removes it on release', () => {
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'custody.pid'), 'utf8').trim()).toBe(String(process.pid));
    release();
    expect(existsSync(path.join(dir, 'custody.pid'))).toBe(false);
  });

  it('refuses a directory locked by a live process', () => {
    // The parent of this test process is alive for as long as the test runs.
    writeFileSync(path.join(dir, 'custody.pid'), `${process.ppid}\n`);
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`another custody process \\(pid ${process.ppid}\\)`));
  });

  it('takes over a lock left by a process that is gone', () => {
    writeFileSync(path.join(dir, 'custody.pid'), '2147483646\n');
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'custody.pid'), 'utf8').trim()).toBe(String(process.pid));
    release();
  });
});
