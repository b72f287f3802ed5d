/** An RFC 9457 problem as the Strongroom APIs answer it (`application/problem+json`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  /** The stable code clients switch on (docs/error-codes.md). */
  code: string;
  detail: string;
  instance?: string;
  requestId?: string;
  [extra: string]: unknown;
}

/** The code given to an answer that is not a problem document (e.g. a proxy's HTML 502). */
export const UNEXPECTED_RESPONSE = 'client.unexpected_response';

const STANDARD = new Set(['type', 'title', 'status', 'code', 'detail', 'instance', 'requestId']);

/** A refusal or failure answered by a Strongroom API, with the problem's members. */
export class StrongroomProblemError extends Error {
  override readonly name = 'StrongroomProblemError';
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly instance: string | undefined;
  readonly requestId: string | undefined;
  /** The problem's extension members (e.g. `field`, `withdrawalId`, `retryAfterSeconds`). */
  readonly extras: Readonly<Record<string, unknown>>;

  constructor(readonly problem: Problem) {
    super(
      `${problem.status} ${problem.code}: ${problem.detail}${problem.requestId ? ` (request ${problem.requestId})` : ''}`,
    );
    this.type = problem.type;
    this.title = problem.title;
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.instance = problem.instance;
    this.requestId = problem.requestId;
    this.extras = Object.fromEntries(Object.entries(problem).filter(([k]) => !STANDARD.has(k)));
  }
}

/** True for a problem error, and when `code` is given, one with that code. */
export function isProblem(err: unknown, code?: string): err is StrongroomProblemError {
  return err instanceof StrongroomProblemError && (code === undefined || err.code === code);
}

const isText = (v: unknown): v is string => typeof v === 'string';

/**
 * The error for a non-2xx answer. `body` is the parsed JSON (or the text, if it was not JSON).
 * A body that is not a problem document still gives an error, with `UNEXPECTED_RESPONSE`.
 */
export function problemError(response: Response, body: unknown): StrongroomProblemError {
  const headerId = response.headers.get('X-Request-Id') ?? undefined;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const p = body as Record<string, unknown>;
    if (isText(p.code) && isText(p.type) && isText(p.title) && typeof p.status === 'number' && isText(p.detail)) {
      return new StrongroomProblemError({ ...p, requestId: isText(p.requestId) ? p.requestId : headerId } as Problem);
    }
  }
  const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  return new StrongroomProblemError({
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    code: UNEXPECTED_RESPONSE,
    detail: `HTTP ${response.status} without a problem document${text ? `: ${text.slice(0, 200)}` : ''}`,
    requestId: headerId,
  });
}

/** What openapi-fetch resolves with. */
export interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a 2xx answer; any other answer throws its StrongroomProblemError. */
export async function unwrap<T>(result: FetchResult<T> | Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await result;
  if (!response.ok) throw problemError(response, error);
  return data as T;
}
