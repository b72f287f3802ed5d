import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * What a caller's X-Request-Id may be to be kept: 1 to 128 characters of letters, digits and
 * `._~:-`. That covers UUIDs, ULIDs and hex trace ids, stays one token in a header, a log field and
 * a URN, and can carry no control characters, spaces or quotes into logs. Anything else is replaced.
 */
const ACCEPTED_ID = /^[A-Za-z0-9._~:-]{1,128}$/;

const ASSIGNED = Symbol('strongroom:request-id');
type WithRequestId = IncomingMessage & { id?: unknown; [ASSIGNED]?: string };

/** The caller's id when it is acceptable, else undefined (then a new one is generated). */
export function acceptedRequestId(raw: string | string[] | undefined): string | undefined {
  return typeof raw === 'string' && ACCEPTED_ID.test(raw) ? raw : undefined;
}

/**
 * Gives the request its id once (the caller's if acceptable, else a UUID v4), sets it as `req.id`
 * (what pino-http logs) and as the response's X-Request-Id, and returns it. Calling it again returns
 * the same id.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const r = req as WithRequestId;
  const existing = r[ASSIGNED];
  if (existing !== undefined) return existing;
  const id = acceptedRequestId(req.headers['x-request-id']) ?? randomUUID();
  r[ASSIGNED] = id;
  r.id = id;
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** The id `assignRequestId` gave this request, if any. */
export function requestIdOf(req: IncomingMessage): string | undefined {
  return (req as WithRequestId)[ASSIGNED];
}

/** The problem `instance` naming one request: an RFC 9457 URI reference that stays valid for any accepted id. */
export const requestInstance = (id: string): string => `urn:strongroom:request:${id}`;

/** The first middleware of every app: every answer, refusals of the gate included, carries the id. */
export function requestIdMiddleware() {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    assignRequestId(req, res);
    next();
  };
}
