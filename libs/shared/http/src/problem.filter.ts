import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { sqlState } from '@strongroom/persistence';
import { DomainError, type ErrorEntry } from '@strongroom/shared-types';
import { HttpErrors } from './http.errors';
import { assignRequestId, requestInstance } from './request-id';

/**
 * RFC 9457 body. `code` is the stable identifier clients switch on; `requestId` (an extension
 * member) is the X-Request-Id of the answer, and `instance` names the same request as a URN.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  requestId?: string;
  [extra: string]: unknown;
}

export const problemType = (code: string): string => `urn:strongroom:problem:${code}`;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Maps every error to problem+json: domain errors keep their code, the rest get a generic one. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const problem = forRequest(toProblem(err), req, res);
    // Client errors are the caller's: answered, never logged with a stack (bad input must be cheap).
    if (problem.status >= 500) this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    else if (!(err instanceof DomainError) && !(err instanceof HttpException) && fromDatabase(err)) {
      this.logger.warn(`the database refused input a route let through: ${problem.code} at ${req.method} ${req.path}`);
    }
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}

/** Stamps the request's id on a problem (after the error's own members, which may not override it). */
export function forRequest(problem: Problem, req: Request, res: Response): Problem {
  const id = assignRequestId(req, res);
  problem.requestId = id;
  problem.instance = requestInstance(id);
  return problem;
}

export function toProblem(err: unknown): Problem {
  if (err instanceof DomainError) {
    // Extra members first: they may never override the standard ones (a field named `status` would
    // otherwise turn the answer into an invalid HTTP status).
    return {
      ...err.extra,
      type: problemType(err.code),
      title: TITLES[err.status] ?? 'Error',
      status: err.status,
      code: err.code,
      detail: err.detail,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse() as { message?: string | string[] } | string;
    const message =
      typeof body === 'string'
        ? body
        : Array.isArray(body.message)
          ? body.message.join('; ')
          : (body.message ?? err.message);
    // body-parser reports malformed JSON as a 400 whose message names the JSON position.
    const code =
      status === 404
        ? HttpErrors['route.not_found'].code
        : status === 400 && /JSON/i.test(message)
          ? HttpErrors['request.malformed_json'].code
          : status === 413
            ? HttpErrors['request.too_large'].code
            : `http.${status}`;
    return { type: problemType(code), title: TITLES[status] ?? 'Error', status, code, detail: message };
  }
  return (
    fromHttpError(err) ??
    fromDatabase(err) ?? {
      type: problemType(HttpErrors.internal.code),
      title: TITLES[500],
      status: 500,
      code: HttpErrors.internal.code,
      detail: 'an internal error occurred; it has been logged',
    }
  );
}

const problem = (status: number, code: string, detail: string): Problem => ({
  type: problemType(code),
  title: TITLES[status] ?? 'Error',
  status,
  code,
  detail,
});
const problemOf = (entry: ErrorEntry, detail: string) => problem(entry.status, entry.code, detail);

// What Express and body-parser style errors (http-errors) mean, by their `type`.
const HTTP_ERROR_TYPES: Record<string, [ErrorEntry, string]> = {
  'entity.parse.failed': [HttpErrors['request.malformed_json'], 'the request body is not valid JSON'],
  'entity.too.large': [HttpErrors['request.too_large'], 'the request body is too large'],
  'charset.unsupported': [HttpErrors['request.unsupported_charset'], 'JSON bodies are accepted in UTF-8 only'],
  'encoding.unsupported': [HttpErrors['request.unsupported_encoding'], 'request bodies are accepted uncompressed only'],
  'request.aborted': [HttpErrors['request.aborted'], 'the request body was not received whole'],
  'request.size.invalid': [HttpErrors['request.aborted'], 'the request body does not match its Content-Length'],
};

/** A client error raised below Nest (Express, a body parser): a 4xx with a stable code, never a 500. */
function fromHttpError(err: unknown): Problem | null {
  const e = err as { type?: string; status?: number; statusCode?: number; expose?: boolean } | null;
  const known = typeof e?.type === 'string' ? HTTP_ERROR_TYPES[e.type] : undefined;
  if (known) return problemOf(...known);
  const status = e?.status ?? e?.statusCode;
  if (e?.expose === true && typeof status === 'number' && status >= 400 && status < 500)
    return problem(status, `http.${status}`, 'the request was refused');
  return null;
}

/**
 * Last line of defence: text PostgreSQL cannot store (NUL) or input nested past its stack is the
 * client's fault even when a route forgot to check it. The gate refuses both before routing, so
 * reaching this means a gap worth a warning, not an error with a stack.
 */
function fromDatabase(err: unknown): Problem | null {
  const state = sqlState(err);
  if (state === '22021' || state === '22P05')
    return problemOf(HttpErrors['request.invalid_text'], 'the request holds text the database cannot store');
  if (state === '54001') return problemOf(HttpErrors['request.too_deep'], 'the request nests too deep');
  return null;
}
