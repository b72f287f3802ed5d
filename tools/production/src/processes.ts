import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** A child process whose output goes to a log file, stopped by its own pid (its group) at the end. */
export interface Started {
  name: string;
  child: ChildProcess;
  log: string;
  exited: Promise<number | null>;
}

export function startLogged(
  name: string,
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; logDir: string },
): Started {
  const log = path.join(opts.logDir, `${name}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, log, exited };
}

/** Runs to completion; rejects with the log's tail when the exit code is not 0. */
export async function runLogged(
  name: string,
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; logDir: string },
): Promise<string> {
  const p = startLogged(name, cmd, args, opts);
  const code = await p.exited;
  const text = readFileSync(p.log, 'utf8');
  if (code !== 0) throw new Error(`${name} exited with ${code}:\n${tail(text)}`);
  return text;
}

export function tail(text: string, lines = 25): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** SIGTERM to the process group, SIGKILL after `graceMs`. */
export async function stop(p: Started, graceMs = 5000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null || p.child.pid === undefined) return;
  const pid = p.child.pid;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls until `url` answers 200, the process exits, or `timeoutMs` passes. */
export async function waitFor200(url: string, p: Started, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null)
      throw new Error(
        `${p.name} exited with ${p.child.exitCode} before ${url} answered:\n${tail(readFileSync(p.log, 'utf8'))}`,
      );
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `${p.name}: ${url} did not answer 200 within ${timeoutMs} ms (last: ${last}):\n${tail(readFileSync(p.log, 'utf8'))}`,
  );
}
