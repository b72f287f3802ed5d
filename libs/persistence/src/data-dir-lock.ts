import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/** The lock file's name; the same one every version of the service has written. */
export const DATA_DIR_LOCK_FILE = 'custody.pid';

/** What a lock file says about its holder: `<pid> [<start ticks> <host>]`. */
interface Holder {
  pid: number;
  start?: string;
  host?: string;
}

/** A lock this process holds, counted so nested holders (the app, then its database) share it. */
interface Held {
  file: string;
  count: number;
}
const held = new Map<string, Held>();

/** The process's start time in clock ticks since boot (Linux), so a reused pid is told apart. */
function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name, which may itself hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function parse(text: string): Holder | undefined {
  const [pid, start, host] = text.trim().split(/\s+/);
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 ? { pid: n, start, host } : undefined;
}

/** True unless the holder is certainly gone: no such pid here, or the pid now belongs to another process. */
function holderAlive(h: Holder): boolean {
  if (h.host && h.host !== hostname()) return true; // another machine or container: cannot tell, so assume it runs
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTicks(h.pid);
  return !(h.start && now && now !== h.start);
}

function refusal(dataDir: string, file: string, h: Holder): Error {
  const where = h.host && h.host !== hostname() ? ` on host ${h.host}` : '';
  return new Error(
    `another custody process (pid ${h.pid}${where}) is using ${dataDir}; PGlite allows one process per data directory: ` +
      `stop it first (or use its HTTP API while it runs), or set STRONGROOM_DATA_DIR to another directory` +
      (where ? ` (if that process is gone, delete ${file})` : ''),
  );
}

/** Replaces a dead holder's file. One taker per dead holder wins the marker; the rest re-read and refuse. */
function takeOver(file: string, dead: string): boolean {
  const marker = `${file}.takeover-${Buffer.from(dead.trim()).toString('hex').slice(0, 64)}`;
  try {
    closeSync(openSync(marker, 'wx'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, ownLine());
  renameSync(tmp, file); // atomic: the file is never missing, so no third process can slip in
  return true;
}

function ownLine(): string {
  return `${process.pid} ${startTicks(process.pid) ?? '-'} ${hostname()}\n`;
}

/** Markers of takeovers finished long ago (kept a while so a slow taker of the same dead holder loses). */
function sweepMarkers(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.takeover-`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const p = path.join(dir, name);
    try {
      if (Date.now() - statSync(p).mtimeMs > 60_000) rmSync(p, { force: true });
    } catch {
      /* removed meanwhile */
    }
  }
}

function acquire(dataDir: string, file: string): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, ownLine());
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // released meanwhile: try again
    }
    const h = parse(text);
    // Our own pid: left by this process (another module instance under a test runner); ours to take.
    if (h && h.pid !== process.pid && holderAlive(h)) throw refusal(dataDir, file, h);
    if (takeOver(file, text)) return;
  }
  const text = readFileSync(file, 'utf8');
  const h = parse(text);
  throw h ? refusal(dataDir, file, h) : new Error(`cannot lock ${file}`);
}

/**
 * One process per PGlite data directory: PGlite is a single session and two processes on one
 * directory corrupt it. A pid file (`custody.pid`, with the process's start time and host) taken
 * with O_EXCL; one whose process is gone is replaced atomically. Re-entrant within a process
 * (the custody app locks the directory, then its database does again). Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const key = realpathSync(dataDir);
  const mine = held.get(key);
  if (mine) mine.count++;
  else {
    const file = path.join(key, DATA_DIR_LOCK_FILE);
    acquire(dataDir, file);
    sweepMarkers(file);
    held.set(key, { file, count: 1 });
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const h = held.get(key);
    if (!h || --h.count > 0) return;
    held.delete(key);
    try {
      if (parse(readFileSync(h.file, 'utf8'))?.pid === process.pid) rmSync(h.file, { force: true });
    } catch {
      /* already gone */
    }
  };
}

/** True when this process holds the lock on `dataDir` (so no other process can be using it). */
export function holdsDataDirLock(dataDir: string): boolean {
  try {
    return held.has(realpathSync(dataDir));
  } catch {
    return false;
  }
}
