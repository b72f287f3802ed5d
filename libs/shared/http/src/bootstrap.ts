import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { DEFAULT_DRAIN_MS, installGracefulClose } from './graceful-close';
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_MAX_JSON_DEPTH, requestGate } from './request-gate';
import { requestIdMiddleware } from './request-id';

export interface HttpAppOptions {
  /** Short name, used in logs and metrics. */
  name: string;
  title: string;
  description: string;
  port: number;
  host?: string;
  /**
   * Let Nest close the app on SIGINT/SIGTERM (default true). A process that hosts several apps
   * and closes them in its own order (the embedded custody app) turns this off.
   */
  shutdownHooks?: boolean;
  /** Largest accepted request body in bytes (default 5 MiB). */
  bodyLimitBytes?: number;
  /** Deepest accepted nesting of JSON objects and arrays in a body (default 32). */
  maxJsonDepth?: number;
  /** How long close/SIGTERM waits for in-flight requests before dropping them (default 10 s). */
  drainMs?: number;
}

export interface RunningApp {
  app: INestApplication;
  url: string;
  port: number;
}

/**
 * Creates, documents and starts a Strongroom HTTP app: the request id, then the request gate (bad text, non-JSON,
 * compressed, oversized or too deep bodies refused before routing; raw body kept for request
 * signatures), bigint rendered as decimal strings, OpenAPI at /docs (JSON at /docs-json).
 */
export async function startHttpApp(rootModule: unknown, options: HttpAppOptions): Promise<RunningApp> {
  // Nest's own body parsers are off: the gate reads every body itself (JSON only, no urlencoded).
  const app = await NestFactory.create<NestExpressApplication>(rootModule as never, {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.set('json replacer', (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  app.set('trust proxy', false);
  // Before the gate, so its refusals carry the request id too.
  app.use(requestIdMiddleware());
  app.use(
    requestGate({
      app: options.name,
      limitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
      maxDepth: options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
    }),
  );
  const doc = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(
      `${options.description}\n\nEvery route except /health and /metrics needs a signed request: headers ` +
        '`X-Strongroom-Key` (key id), `X-Strongroom-Timestamp` (unix ms), `X-Strongroom-Nonce` and ' +
        '`X-Strongroom-Signature` = hex HMAC-SHA256 over `METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nSHA256(body)`. ' +
        'Bodies are `application/json` in UTF-8, uncompressed (other media types, charsets and any Content-Encoding: 415). ' +
        'Every answer carries `X-Request-Id` (yours if it is 1-128 characters of `[A-Za-z0-9._~:-]`, else a new UUID); ' +
        'errors are RFC 9457 problem+json with a stable `code`, `requestId` and `instance` = `urn:strongroom:request:<id>`. ' +
        'Requests are limited per API key (429 `request.rate_limited` with `Retry-After`). Amounts are decimal strings.',
    )
    .setVersion('v1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Strongroom-Key' }, 'key')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
  await app.listen(options.port, options.host ?? '127.0.0.1');
  installGracefulClose(app, options.drainMs ?? DEFAULT_DRAIN_MS, options.shutdownHooks !== false);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, port, url: `http://${options.host ?? '127.0.0.1'}:${port}` };
}
