import { connect } from 'node:net';

/**
 * The image's HEALTHCHECK: exit 0 when the app in this container answers 200 on /health/ready
 * (or /health where there is no readiness route). The URL is HEALTHCHECK_URL if set; otherwise the
 * app's own port on loopback, found from the port variables of the three apps (one runs per container).
 * `healthcheck tcp:<port>` only checks that something listens there (kms-local has no health route).
 */
async function probe(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

async function healthy(env: NodeJS.ProcessEnv): Promise<boolean> {
  if (env.HEALTHCHECK_URL) return probe(env.HEALTHCHECK_URL);
  const ports = [env.LEDGER_PORT || '7001', env.DEPOSITS_PORT || '7002', env.WITHDRAWALS_PORT || '7003'];
  for (const port of ports) {
    const base = `http://127.0.0.1:${port}`;
    if ((await probe(`${base}/health/ready`)) || (await probe(`${base}/health`))) return true;
  }
  return false;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(3000, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const tcp = /^tcp:(\d+)$/.exec(process.argv[2] ?? '');
(tcp ? listening(Number(tcp[1])) : healthy(process.env)).then((ok) => process.exit(ok ? 0 : 1));
