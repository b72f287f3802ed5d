import { Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Database } from '@strongroom/persistence';
import { InjectDatabase } from '@strongroom/shared-http';
import { findApiKey, isKeyIdFormat } from './api-keys';
import { KeyCache } from './key-cache';
import { authError } from './auth.errors';
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
   * How long a key read from PostgreSQL may be reused (default 0: read it on every request, so a
   * revocation by another replica or the CLI takes effect at once). On PGlite keys are cached
   * until revoked in process, whatever this says (see KeyCache).
   */
  keyCacheMs?: number;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
export const DEFAULT_REPLAY_WINDOW_MS = 5 * 60_000;

const NONCE = /^[A-Za-z0-9._~-]{16,128}$/;
const TIMESTAMP = /^[0-9]{1,16}$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

type RawRequest = Request & { rawBody?: Buffer } & RequestWithPrincipal;

/**
 * The global guard: every route is authenticated with a signed request unless it is `@Public()`,
 * then authorised by `@Roles`. A route with neither is refused (fail closed).
 *
 * Order matters: cheap header checks first, then the key and its signature, and only a request
 * that proved it holds the key may write a nonce (so strangers cannot fill the nonce table).
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
  ) {
    this.windowMs = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
    this.keys = new KeyCache(db.backend === 'pglite' ? Number.POSITIVE_INFINITY : (options.keyCacheMs ?? 0));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = routeAccess(context.getHandler(), context.getClass());
    if (access.kind === 'public') return true;
    if (context.getType() !== 'http' || access.kind === 'unguarded') {
      throw authError('auth.route_unguarded', 'this route declares no roles and is refused; mark it @Roles(...) or @Public()');
    }
    const req = context.switchToHttp().getRequest<RawRequest>();
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
    ].filter(([, v]) => v === undefined).map(([h]) => h);
    if (missing.length > 0 || !keyId || !timestamp || !nonce || !signature) {
      throw authError('auth.missing', `signed request headers missing: ${missing.join(', ')}`, { missing });
    }
    if (!NONCE.test(nonce)) throw authError('auth.missing', 'X-Strongroom-Nonce must be 16 to 128 characters of [A-Za-z0-9._~-]');
    if (!SIGNATURE.test(signature)) throw authError('auth.bad_signature', 'X-Strongroom-Signature must be 64 hex characters');

    const now = Date.now();
    const ts = TIMESTAMP.test(timestamp) ? Number(timestamp) : NaN;
    if (!Number.isSafeInteger(ts) || Math.abs(now - ts) > this.windowMs) {
      throw authError('auth.stale_timestamp', `X-Strongroom-Timestamp must be unix milliseconds within ${this.windowMs} ms of the server clock`, {
        serverTime: now,
      });
    }

    const key = isKeyIdFormat(keyId) ? await this.keys.get(keyId, (id) => findApiKey(this.db, id)) : undefined;
    if (!key) throw authError('auth.unknown_key', 'unknown API key');
    const path = req.originalUrl ?? req.url;
    const expected = signCanonical(key.verifier, canonicalRequest(req.method, path, timestamp, nonce, sha256Hex(req.rawBody)));
    if (!signaturesEqual(expected, signature)) {
      throw authError('auth.bad_signature', 'the request signature does not match its method, path, timestamp, nonce and body');
    }
    if (key.revoked) throw authError('auth.revoked', 'this API key has been revoked');

    // Kept for two windows so a replica whose clock runs behind still finds it.
    if (!(await recordNonce(this.db, key.keyId, nonce, ts + 2 * this.windowMs))) {
      throw authError('auth.replayed_nonce', 'this nonce was already used with this key');
    }
    if (now - this.lastPurge > this.windowMs) {
      // Off the request's path: one window's worth of rows may take a while to delete.
      this.lastPurge = now;
      purgeExpiredNonces(this.db, now).catch((err: unknown) => this.logger.warn(`nonce purge failed: ${String(err)}`));
    }

    const principal = { keyId: key.keyId, name: key.name, role: key.role };
    req[PRINCIPAL] = principal;
    if (!roleAllows(access.roles, key.role)) {
      throw authError('auth.forbidden_role', `role ${key.role} may not call this route; it needs ${access.roles.join(' or ')}`, {
        role: key.role,
        allowed: access.roles,
      });
    }
    return true;
  }
}
