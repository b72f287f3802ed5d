import { DomainError } from '@strongroom/shared-types';

/** Stable codes of every authentication and authorisation failure (rendered as problem+json). */
export type AuthErrorCode =
  | 'auth.missing'
  | 'auth.invalid_credentials'
  | 'auth.stale_timestamp'
  | 'auth.replayed_nonce'
  | 'auth.revoked'
  | 'auth.forbidden_role'
  | 'auth.forbidden_client'
  | 'auth.route_unguarded';

const STATUS: Record<AuthErrorCode, number> = {
  'auth.missing': 401,
  'auth.invalid_credentials': 401,
  'auth.stale_timestamp': 401,
  'auth.replayed_nonce': 401,
  'auth.revoked': 401,
  'auth.forbidden_role': 403,
  'auth.forbidden_client': 403,
  'auth.route_unguarded': 500,
};

export function authError(code: AuthErrorCode, detail: string, extra?: Record<string, unknown>): DomainError {
  return new DomainError(code, STATUS[code], detail, extra);
}
