import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';

export const DEFAULT_DRAIN_MS = 10_000;

/** Stops accepting, lets in-flight requests finish (at most `drainMs`), then drops what is left. */
export function drainServer(server: Server, drainMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), drainMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    // Idle keep-alive sockets would hold close() open; busy ones finish their response first.
    server.closeIdleConnections();
  });
}

/**
 * Makes `app.close()` drain HTTP before Nest's destroy hooks run: Nest closes modules (the
 * database) first and the server last, which reset in-flight requests. SIGTERM/SIGINT go through
 * the same path when `signals` is true.
 */
export function installGracefulClose(app: INestApplication, drainMs: number, signals: boolean): void {
  const server = app.getHttpServer() as Server;
  const nestClose = app.close.bind(app);
  let closing: Promise<void> | undefined;
  app.close = () => (closing ??= drainServer(server, drainMs).then(() => nestClose()));
  if (!signals) return;
  const onSignal = (): void => {
    void app.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
