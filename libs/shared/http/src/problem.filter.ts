import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '@strongroom/shared-types';

/** RFC 9457 body. `code` is the stable identifier clients switch on. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
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
    const problem = toProblem(err);
    problem.instance = req.originalUrl;
    if (problem.status >= 500) this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}

export function toProblem(err: unknown): Problem {
  if (err instanceof DomainError) {
    // Extra members first: they may never override the standard ones (a field named `status` would
    // otherwise turn the answer into an invalid HTTP status).
    return { ...err.extra, type: problemType(err.code), title: TITLES[err.status] ?? 'Error', status: err.status, code: err.code, detail: err.detail };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse() as { message?: string | string[] } | string;
    const message = typeof body === 'string' ? body : Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? err.message);
    // body-parser reports malformed JSON as a 400 whose message names the JSON position.
    const code = status === 404 ? 'route.not_found' : status === 400 && /JSON/i.test(message) ? 'request.malformed_json' : status === 413 ? 'request.too_large' : `http.${status}`;
    return { type: problemType(code), title: TITLES[status] ?? 'Error', status, code, detail: message };
  }
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.parse.failed') {
    return { type: problemType('request.malformed_json'), title: TITLES[400], status: 400, code: 'request.malformed_json', detail: 'the request body is not valid JSON' };
  }
  if (e?.type === 'entity.too.large') {
    return { type: problemType('request.too_large'), title: TITLES[413], status: 413, code: 'request.too_large', detail: 'the request body is too large' };
  }
  return { type: problemType('internal'), title: TITLES[500], status: 500, code: 'internal', detail: 'an internal error occurred; it has been logged' };
}
