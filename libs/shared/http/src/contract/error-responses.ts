import type { ErrorEntry } from '@strongroom/shared-types';
import { HttpErrors } from '../http.errors';
import type { OperationContract } from './api-contract';
import type { JsonSchema } from './json-schema';

const TEXT_REFUSALS = [
  HttpErrors['request.malformed_url'],
  HttpErrors['request.nul_character'],
  HttpErrors['request.lone_surrogate'],
  HttpErrors['request.control_character'],
  HttpErrors['request.invalid_text'],
];

const BODY_REFUSALS = [
  HttpErrors['request.malformed_json'],
  HttpErrors['request.invalid_utf8'],
  HttpErrors['request.too_deep'],
  HttpErrors['request.too_large'],
  HttpErrors['request.aborted'],
  HttpErrors['request.unsupported_encoding'],
  HttpErrors['request.unsupported_media_type'],
  HttpErrors['request.unsupported_charset'],
];

/** What the platform itself may answer on a route with this contract, before or around its handler. */
export function platformErrors(contract: OperationContract): ErrorEntry[] {
  const takesInput = Boolean(contract.body ?? contract.query ?? contract.params ?? contract.headers?.length);
  return [
    ...(takesInput ? [HttpErrors['request.invalid'], ...TEXT_REFUSALS] : TEXT_REFUSALS),
    // The request gate checks media type, encoding and body before routing, on every method.
    ...BODY_REFUSALS,
    ...(contract.query?.shape.cursor ? [HttpErrors['request.invalid_cursor']] : []),
    HttpErrors['request.rate_limited'],
  ];
}

/**
 * One problem+json response per status, its `code` enumerated from the catalogue entries the
 * route can answer with, so a generated client can switch on them.
 */
export function errorResponses(errors: readonly ErrorEntry[], problem: JsonSchema): Record<string, JsonSchema> {
  const byStatus = new Map<number, Map<string, ErrorEntry>>();
  for (const e of errors) {
    const codes = byStatus.get(e.status) ?? new Map<string, ErrorEntry>();
    codes.set(e.code, e);
    byStatus.set(e.status, codes);
  }
  const out: Record<string, JsonSchema> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const list = [...codes.values()].sort((a, b) => a.code.localeCompare(b.code));
    out[String(status)] = {
      description: list.map((e) => `\`${e.code}\`: ${e.title}`).join('; '),
      headers: {
        'X-Request-Id': { $ref: '#/components/headers/RequestId' },
        ...(status === 429 ? { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } : {}),
      },
      content: {
        'application/problem+json': {
          schema: {
            allOf: [problem, { type: 'object', properties: { code: { enum: list.map((e) => e.code) } } }],
          },
        },
      },
    };
  }
  return out;
}
