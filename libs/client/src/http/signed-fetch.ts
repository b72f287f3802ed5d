import type { RequestSigner } from '../signing/request-signature';
import { delayAfterAnswer, backoffMs, mayRetry, type RetryPolicy } from './retry-policy';

export type FetchFunction = (request: Request) => Promise<Response>;

export interface SignedFetchOptions {
  signer: RequestSigner;
  retry: RetryPolicy;
  /** The transport (default: the global fetch). */
  fetch?: (request: Request) => Promise<Response>;
  /** Source of jitter (default Math.random). */
  random?: () => number;
}

/** Thrown when the request never got an answer; `attempts` says how often it was tried. */
export class StrongroomNetworkError extends Error {
  override readonly name = 'StrongroomNetworkError';

  constructor(
    readonly method: string,
    readonly url: string,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    const why =
      cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    super(`${method} ${url} got no answer after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${why}`);
  }
}

/**
 * A fetch that signs every attempt afresh (new timestamp and nonce, over the exact body bytes and
 * the path and query the URL puts on the request line) and retries what `mayRetry` allows, on
 * network errors and on 429/502/503/504, up to `retry.maxAttempts` attempts.
 */
export function signedFetch(options: SignedFetchOptions): FetchFunction {
  const transport = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  return async (request) => {
    const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    const url = new URL(request.url);
    const pathWithQuery = url.pathname + url.search;
    const retryable = mayRetry(request);
    for (let attempt = 1; ; attempt++) {
      const headers = new Headers(request.headers);
      const signed = options.signer.sign({ method: request.method, pathWithQuery, body });
      for (const [name, value] of Object.entries(signed)) headers.set(name, value);
      const last = !retryable || attempt >= options.retry.maxAttempts;
      let response: Response;
      try {
        response = await transport(
          new Request(url, {
            method: request.method,
            headers,
            body,
            signal: request.signal,
            redirect: request.redirect,
          }),
        );
      } catch (err) {
        if (request.signal.aborted) throw err;
        if (last) throw new StrongroomNetworkError(request.method, url.href, attempt, err);
        await sleep(backoffMs(options.retry, attempt, options.random), request.signal);
        continue;
      }
      const wait = last ? undefined : delayAfterAnswer(options.retry, response, attempt, options.random);
      if (wait === undefined) return response;
      await response.body?.cancel();
      await sleep(wait, request.signal);
    }
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
