import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { domainError } from '@strongroom/shared-types';
import { HttpErrors } from './http.errors';

/** Limits are counted over one minute (a fixed window per caller, opened by its first request). */
export const RATE_LIMIT_WINDOW_MS = 60_000;

const SUBJECT = Symbol('strongroom:rate-limit-subject');
type Tracked = Record<PropertyKey, unknown> & { [SUBJECT]?: string };

/**
 * Counts requests per API key (per client IP on public routes) and refuses one over the limit with
 * 429 `request.rate_limited` and `Retry-After`. It is not a global guard: the authentication guard
 * calls `limit` once the key is proven and before anything is written (the nonce included), so a
 * 429 changes nothing and the same signed request may be sent again after `Retry-After`.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  /** Counts this request against `keyId`, or the client IP without one; throws the 429 when over. */
  async limit(context: ExecutionContext, keyId?: string): Promise<void> {
    if (keyId !== undefined) context.switchToHttp().getRequest<Tracked>()[SUBJECT] = `key:${keyId}`;
    await this.canActivate(context);
  }

  protected override async getTracker(req: Tracked): Promise<string> {
    return req[SUBJECT] ?? `ip:${await super.getTracker(req)}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const byKey = context.switchToHttp().getRequest<Tracked>()[SUBJECT] !== undefined;
    throw domainError(
      HttpErrors['request.rate_limited'],
      `more than ${detail.limit} requests a minute from this ${byKey ? 'API key' : 'client address'}; retry after ${detail.timeToBlockExpire} s`,
      { retryAfterSeconds: detail.timeToBlockExpire, limit: detail.limit, windowSeconds: detail.ttl / 1000 },
    );
  }
}

/**
 * One counter per caller across every route of the app (the library's default key is per route),
 * in process memory; `perMinute` 0 turns limiting off.
 */
export function rateLimitOptions(perMinute: number): ThrottlerModuleOptions {
  return {
    throttlers: [{ name: 'default', ttl: RATE_LIMIT_WINDOW_MS, limit: Math.max(perMinute, 1) }],
    generateKey: (_context, tracker, name) => `${name}:${tracker}`,
    skipIf: () => perMinute === 0,
  };
}
