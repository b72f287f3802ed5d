import { domainError } from '@strongroom/shared-types';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Database } from '@strongroom/persistence';
import { InjectDatabase, RateLimitGuard } from '@strongroom/shared-http';
import { findApiKey, isKeyIdFormat, loadAllApiKeys } from './api-keys';
import { KeyCache, type KeySource } from './key-cache';
import { KeyChangeListener } from './key-change-listener';
import type { StoredApiKey } from './principal';
import { AuthErrors } from './auth.errors';
import { PRINCIPAL, type RequestWithPrincipal } from './current-principal.decorator';
import { purgeExpiredNonces, recordNonce } from './nonce-store';
import { roleAllows, routeAccess } from './roles.decorator';
import {
  canonicalRequest,
  HEADER_KEY,
  HEADER_NONCE,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  sha256Hex,
  signaturesEqual,
  signCanonical,
} from './signature';

export interface AuthOptions {
  /** A request is accepted while |now − timestamp| ≤ this (default 5 minutes). */
  replayWindowMs?: number;
  /**
   * How long a key snapshot read from PostgreSQL may be reused while the key-change listener is
   * connected (default 60 s; each committed key change drops it at once, see KeyChangeListener).
   * 0 reads the key on every request. On PGlite keys are cached until changed in process,
   * whatever this says (see KeyCache).
   */
  keyCacheMs?: number;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
export const DEFAULT_REPLAY_WINDOW_MS = 5 * 60_000;
export const DEFAULT_KEY_CACHE_MS = 60_000;

const NONCE = /^[A-Za-z0-9._~-]{16,128}$/;
const TIMESTAMP = /^[0-9]{1,16}$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

type RawRequest = Request & { rawBody?: Buffer } & RequestWithPrincipal;

// What an unknown key id is checked against, so that it costs one HMAC and one compare like a
// known key with a wrong secret (no timing difference between the two).
const DUMMY_VERIFIER = randomBytes(32).toString('hex');
// Looked up in place of a malformed key id, so it costs the same read as a well-formed unknown one.
const ABSENT_KEY_ID = 'srk_000000000000000000000000';

/** The four signed-request headers, present and well formed; throws naming what is missing. */
function signedHeaders(req: RawRequest): { keyId: string; timestamp: string; nonce: string; signature: string } {
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return typeof v === 'string' && v.length > 0 ? v : undefined;
  };
  const keyId = header(HEADER_KEY);
  const timestamp = header(HEADER_TIMESTAMP);
  const nonce = header(HEADER_NONCE);
  const signature = header(HEADER_SIGNATURE)?.toLowerCase();
  const missing = [
    [HEADER_KEY, keyId],
    [HEADER_TIMESTAMP, timestamp],
    [HEADER_NONCE, nonce],
    [HEADER_SIGNATURE, signature],
  ]
    .filter(([, v]) => v === undefined)
    .map(([h]) => h);
  if (missing.length > 0 || !keyId || !timestamp || !nonce || !signature) {
    throw domainError(AuthErrors['auth.missing'], `signed request headers missing: ${missing.join(', ')}`, {
      missing,
    });
  }
  if (!NONCE.test(nonce))
    throw domainError(AuthErrors['auth.missing'], 'X-Strongroom-Nonce must be 16 to 128 characters of [A-Za-z0-9._~-]');
  if (!SIGNATURE.test(signature)) throw invalidCredentials();
  return { keyId, timestamp, nonce, signature };
}

/**
 * The global guard: every route is authenticated with a signed request unless it is `@Public()`,
 * then authorised by `@Roles`. A route with neither is refused (fail closed).
 *
 * Order matters: cheap header checks first, then the key and its signature, then the key's rate
 * limit (a 429 writes nothing, so the same request may be sent again), and only a request that
 * proved it holds the key may write a nonce (so strangers cannot fill the nonce table). Public
 * routes are limited per client IP (health and metrics are exempt).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly windowMs: number;
  private lastPurge = 0;
  private readonly logger = new Logger('ApiKeyGuard');
  private readonly keys: KeyCache;

  constructor(
    @InjectDatabase() private readonly db: Database,
    @Inject(AUTH_OPTIONS) options: AuthOptions,
    @Optional() private readonly rateLimit?: RateLimitGuard,
    @Optional() listener?: KeyChangeListener,
  ) {
    this.windowMs = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
    this.keys =
      db.backend === 'pglite'
        ? new KeyCache(Number.POSITIVE_INFINITY)
        : new KeyCache(options.keyCacheMs ?? DEFAULT_KEY_CACHE_MS, () => listener?.live === true);
    if ((options.keyCacheMs ?? DEFAULT_KEY_CACHE_MS) > 0) listener?.start();
    this.source = { one: (id) => findApiKey(this.db, id), all: () => loadAllApiKeys(this.db) };
  }

  private readonly source: KeySource;

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = routeAccess(context.getHandler(), context.getClass());
    if (access.kind === 'public') {
      await this.rateLimit?.limit(context);
      return true;
    }
    if (context.getType() !== 'http' || access.kind === 'unguarded') {
      throw domainError(
        AuthErrors['auth.route_unguarded'],
        'this route declares no roles and is refused; mark it @Roles(...) or @Public()',
      );
    }
    const req = context.switchToHttp().getRequest<RawRequest>();
    const { keyId, timestamp, nonce, signature } = signedHeaders(req);

    const now = Date.now();
    const ts = TIMESTAMP.test(timestamp) ? Number(timestamp) : NaN;
    if (!Number.isSafeInteger(ts) || Math.abs(now - ts) > this.windowMs) {
      throw domainError(
        AuthErrors['auth.stale_timestamp'],
        `X-Strongroom-Timestamp must be unix milliseconds within ${this.windowMs} ms of the server clock`,
        {
          serverTime: now,
        },
      );
    }

    // No oracle: an unknown id (well formed or not) and a wrong secret take the same steps — one
    // lookup, one HMAC, one constant-time compare — and get the same answer.
    const found: StoredApiKey | undefined = await this.keys.get(
      isKeyIdFormat(keyId) ? keyId : ABSENT_KEY_ID,
      this.source,
    );
    const key = found?.keyId === keyId ? found : undefined;
    const path = req.originalUrl ?? req.url;
    const expected = signCanonical(
      key?.verifier ?? DUMMY_VERIFIER,
      canonicalRequest(req.method, path, timestamp, nonce, sha256Hex(req.rawBody)),
    );
    if (!signaturesEqual(expected, signature) || !key) throw invalidCredentials();
    if (key.revoked) throw domainError(AuthErrors['auth.revoked'], 'this API key has been revoked');
    await this.rateLimit?.limit(context, key.keyId);

    // Kept for two windows so a replica whose clock runs behind still finds it.
    if (!(await recordNonce(this.db, key.keyId, nonce, ts + 2 * this.windowMs))) {
      throw domainError(AuthErrors['auth.replayed_nonce'], 'this nonce was already used with this key');
    }
    if (now - this.lastPurge > this.windowMs) {
      // Off the request's path: one window's worth of rows may take a while to delete.
      this.lastPurge = now;
      purgeExpiredNonces(this.db, now).catch((err: unknown) => this.logger.warn(`nonce purge failed: ${String(err)}`));
    }

    const principal = { keyId: key.keyId, name: key.name, role: key.role, owner: key.owner, clients: key.clients };
    req[PRINCIPAL] = principal;
    if (!roleAllows(access.roles, key.role)) {
      throw domainError(
        AuthErrors['auth.forbidden_role'],
        `role ${key.role} may not call this route; it needs ${access.roles.join(' or ')}`,
        {
          role: key.role,
          allowed: access.roles,
        },
      );
    }
    return true;
  }
}

const invalidCredentials = () =>
  domainError(
    AuthErrors['auth.invalid_credentials'],
    'the key id and signature do not verify (unknown key, wrong secret, or a request changed in transit)',
  );
