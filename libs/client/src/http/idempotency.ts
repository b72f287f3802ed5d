import { randomUUID } from 'node:crypto';
import type { Middleware } from 'openapi-fetch';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * Gives each call of an operation that takes an Idempotency-Key a new UUID unless the caller set
 * one. It is set before the transport's retry loop, so every attempt of the call carries the same
 * key and the server applies it once. Operations are named `METHOD /path/{param}` as in the
 * OpenAPI document.
 */
export function idempotencyKeys(operations: Iterable<string>): Middleware {
  const wanted = new Set(operations);
  return {
    onRequest({ request, schemaPath }) {
      if (!wanted.has(`${request.method} ${schemaPath}`) || request.headers.has(IDEMPOTENCY_KEY_HEADER))
        return undefined;
      request.headers.set(IDEMPOTENCY_KEY_HEADER, randomUUID());
      return request;
    },
  };
}
