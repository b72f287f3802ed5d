// Test fixture (not part of the app): the deposit watcher's real entry point as a child process.
import type { ChildProcess } from 'node:child_process';
import { spawnUntil } from '@strongroom/local-services/child-process';

/** Starts the watcher (any port, quick polling); resolves with its URL once it listens. */
export async function startWatcher(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const { child, match } = await spawnUntil(
    'watcher',
    'apps/deposit-watcher/src/main.ts',
    [],
    { ...env, DEPOSITS_PORT: '0', LOG_LEVEL: 'warn', POLL_MS: '50' },
    /deposit watcher API: (http:\/\/\S+)/,
  );
  return { child, url: match[1] };
}
