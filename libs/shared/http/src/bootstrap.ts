import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { DOCS_PAGE_OPTIONS } from './contract/docs-page-signer';
import { buildOpenApiDocument, type OpenApiDocument } from './contract/openapi-document';
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
  // Before listen (routes added after it would sit behind the not-found handler); built on the first
  // request, when the port is known, from the routes and their contracts.
  let document: OpenApiDocument | undefined;
  const description = documentDescription(options.description);
  SwaggerModule.setup(
    'docs',
    app,
    () => {
      document ??= buildOpenApiDocument(app, {
        title: options.title,
        description,
        serverUrl: urlOf(app, options.host),
      });
      return document as never;
    },
    DOCS_PAGE_OPTIONS,
  );
  await app.listen(options.port, options.host ?? '127.0.0.1');
  installGracefulClose(app, options.drainMs ?? DEFAULT_DRAIN_MS, options.shutdownHooks !== false);
  return { app, port: (app.getHttpServer().address() as AddressInfo).port, url: urlOf(app, options.host) };
}

function urlOf(app: INestApplication, host: string | undefined): string {
  return `http://${host ?? '127.0.0.1'}:${(app.getHttpServer().address() as AddressInfo).port}`;
}

function documentDescription(description: string): string {
  return (
    `${description}\n\nConventions (docs/api-conventions.md): every route except /health and /metrics needs a signed ` +
    'request (the security schemes say how; `@strongroom/client` signs for you). Bodies are `application/json` in ' +
    'UTF-8, uncompressed. Amounts are decimal strings of base units, with the asset beside them. Lists answer ' +
    '`{data, nextCursor}` and take `limit` and `cursor`. Times are RFC 3339 UTC. Every answer carries ' +
    '`X-Request-Id`; errors are RFC 9457 problem+json with a stable `code` (docs/error-codes.md). Requests are ' +
    'limited per API key (429 `request.rate_limited` with `Retry-After`).'
  );
}
