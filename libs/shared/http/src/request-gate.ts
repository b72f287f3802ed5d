import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { domainError, type DomainError } from '@strongroom/shared-types';
import { HttpErrors } from './http.errors';
import { parseJsonBody } from './json-body';
import { httpRefused } from './metrics';
import { forRequest, toProblem } from './problem.filter';
import { textProblem } from './request-text';

export interface RequestGateOptions {
  /** The app's short name (the `app` label of `strongroom_http_refused_total`). */
  app: string;
  /** Largest accepted body in bytes (413 `request.too_large` above). */
  limitBytes: number;
  /** Deepest accepted nesting of JSON objects and arrays (400 `request.too_deep` above). */
  maxDepth: number;
}

// As before the gate (5 MiB): ledger batches of a few thousand transfers fit.
export const DEFAULT_BODY_LIMIT_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_JSON_DEPTH = 32;

type GatedRequest = Request & { rawBody?: Buffer };

/**
 * The first thing every request meets, before routing and authentication: refuses what no route
 * can accept (text that is not text, bodies that are not UTF-8 JSON, compressed or oversized or
 * too deep bodies) with a 4xx problem, cheaply — nothing is logged, only counted — and otherwise
 * reads the body, keeps its exact bytes as `req.rawBody` (what request signatures cover) and
 * parses it into `req.body`.
 */
export function requestGate(options: RequestGateOptions) {
  return (req: GatedRequest, res: Response, next: NextFunction): void => {
    const refused = urlProblem(req.originalUrl ?? req.url) ?? headerProblem(req) ?? mediaProblem(req);
    if (refused) return refuse(req, res, refused, options.app);
    readBody(req, options.limitBytes).then(
      (bytes) => {
        try {
          req.rawBody = bytes;
          if (bytes.length > 0) req.body = parseJsonBody(bytes, options.maxDepth);
          else if (req.headers['content-type'] !== undefined) req.body = {};
        } catch (err) {
          return refuse(req, res, err, options.app);
        }
        next();
      },
      (err: unknown) => refuse(req, res, err, options.app),
    );
  };
}

function refuse(req: Request, res: Response, err: unknown, app: string): void {
  const problem = forRequest(toProblem(err), req, res);
  httpRefused.inc({ app, code: problem.code });
  if (res.headersSent || res.destroyed) return;
  // The unread rest of a refused body is not worth reading: close instead of draining it.
  if (!req.complete) res.setHeader('Connection', 'close');
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Path and query, percent-decoded, must be text (ids reach SQL as they are). */
export function urlProblem(url: string): DomainError | null {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const decoded = decode(path);
  if (decoded === null)
    return domainError(HttpErrors['request.malformed_url'], 'the path holds an invalid percent-encoding', {
      location: 'path',
    });
  const inPath = textProblem(decoded, 'path');
  if (inPath) return inPath;
  for (const part of query.split(/[&=]/)) {
    const text = decode(part.replace(/\+/g, ' '));
    if (text === null)
      return domainError(HttpErrors['request.malformed_url'], 'the query string holds an invalid percent-encoding', {
        location: 'query',
      });
    const inQuery = textProblem(text, 'query');
    if (inQuery) return inQuery;
  }
  return null;
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Header values are Latin-1 on the wire, so only NUL is refused here (Node's parser refuses controls itself unless run lenient). */
function headerProblem(req: IncomingMessage): DomainError | null {
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : [value ?? '']) {
      if (v.includes('\u0000'))
        return domainError(HttpErrors['request.nul_character'], `header ${name} contains a NUL character (U+0000)`, {
          location: 'header',
          header: name,
        });
    }
  }
  return null;
}

/**
 * Bodies are JSON in UTF-8, uncompressed: the signature covers the exact bytes sent, and one
 * representation means one hash. A Content-Type header, when present, must say so even without a body.
 */
function mediaProblem(req: IncomingMessage): DomainError | null {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    return domainError(
      HttpErrors['request.unsupported_encoding'],
      'request bodies are accepted uncompressed only (no Content-Encoding)',
      { contentEncoding: encoding.slice(0, 100) },
    );
  }
  const type = req.headers['content-type'];
  if (type === undefined) {
    return hasBody(req)
      ? domainError(
          HttpErrors['request.unsupported_media_type'],
          'a request body must be sent as Content-Type: application/json',
        )
      : null;
  }
  const [media, ...params] = type.split(';');
  if (media.trim().toLowerCase() !== 'application/json') {
    return domainError(
      HttpErrors['request.unsupported_media_type'],
      'request bodies are accepted as application/json only',
      {
        contentType: type.slice(0, 100),
      },
    );
  }
  for (const p of params) {
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    const value =
      eq < 0
        ? ''
        : p
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1')
            .toLowerCase();
    if (name === 'charset' && value !== 'utf-8') {
      return domainError(
        HttpErrors['request.unsupported_charset'],
        'JSON bodies are accepted in UTF-8 only (charset=utf-8 or no charset)',
        { contentType: type.slice(0, 100) },
      );
    }
  }
  return null;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

const tooLarge = (limit: number) =>
  domainError(HttpErrors['request.too_large'], `the request body is larger than ${limit} bytes`, { limitBytes: limit });

/** Reads the whole body, refusing it as soon as it passes `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (!hasBody(req)) return Promise.resolve(Buffer.alloc(0));
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (err: DomainError) => {
      req.off('data', onData);
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return fail(tooLarge(limit));
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', () =>
      fail(domainError(HttpErrors['request.aborted'], 'the request body was not received whole')),
    );
  });
}
