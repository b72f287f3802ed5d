import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const N = 20;

/** Resolves with the first stdout line matching `re` (lines seen so far included). */
function lineMatching(child: ChildProcess, lines: string[], re: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      for (const l of lines) {
        const m = l.match(re);
        if (m) {
          resolve(m);
          return true;
        }
      }
      return false;
    };
    if (check()) return;
    const onData = (): void => {
      if (check()) child.stdout?.off('data', onData);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before ${re}`)));
  });
}

// SIGTERM to a real process under load: every request it had accepted gets its complete answer,
// and only then does the process exit, with code 0.
describe('SIGTERM under load', () => {
  it('answers every accepted request before the process exits', async () => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'tools/run.js'), path.join(__dirname, 'testing/sigterm-child.ts')],
      {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: 'silent', SLOW_MS: '1500' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines: string[] = [];
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const [, url] = await lineMatching(child, lines, /^listening (\S+)$/);
      const order: string[] = [];
      const requests = Array.from({ length: N }, () =>
        fetch(`${url}/slow`).then(
          async (r) => {
            const body = (await r.json()) as { done?: boolean };
            order.push('answered');
            return r.status === 200 && body.done === true;
          },
          () => false,
        ),
      );
      await lineMatching(child, lines, new RegExp(`^arrived ${N}$`));
      child.kill('SIGTERM');
      void exited.then(() => order.push('exited'));
      const answered = await Promise.all(requests);
      expect(await exited).toBe(0);
      expect(answered.filter(Boolean)).toHaveLength(N);
      expect(order.indexOf('exited')).toBe(N);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
