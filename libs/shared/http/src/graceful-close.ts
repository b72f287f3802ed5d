import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';

export const DEFAULT_DRAIN_MS = 10_000;

/** How often a drain closes connections that went idle (a keep-alive socket after its answer). */
const IDLE_SWEEP_MS = 50;

/**
 * Stops accepting, lets in-flight requests finish (at most `drainMs`), then destroys the sockets
 * of what is left, so their clients see a reset. Resolves once every connection is gone.
 */
export function drainServer(server: Server, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    // A keep-alive socket that answered during the drain would otherwise idle until its timeout.
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const cut = setTimeout(() => server.closeAllConnections(), drainMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Makes `app.close()` drain HTTP, then run `beforeDestroy` (workers finish their current step),
 * and only then Nest's destroy hooks: Nest closes modules (the database) first and the server last,
 * which reset in-flight requests. SIGTERM/SIGINT go through the same path when `signals` is true.
 */
export function installGracefulClose(
  app: INestApplication,
  drainMs: number,
  signals: boolean,
  beforeDestroy: () => Promise<void> = async () => undefined,
): void {
  const server = app.getHttpServer() as Server;
  // Nest hands out its app behind a Proxy whose `set` trap drops assignments (`app.close = …` is a
  // silent no-op) and whose `get` looks methods up at call time; so the override is defined on the
  // target, and Nest's own close is taken from the prototype.
  const nestClose = (Object.getPrototypeOf(app) as INestApplication).close;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= drainServer(server, drainMs)
      .then(beforeDestroy)
      .then(() => nestClose.call(app)));
  Object.defineProperty(app, 'close', { value: close, configurable: true, writable: true });
  if (!signals) return;
  const onSignal = (): void => {
    void app.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
