import { domainError, type Role } from '@strongroom/shared-types';
import { AuthErrors } from './auth.errors';

/**
 * Which clients a key may act for (or read): a list of client ids, or every client. A backend key
 * always has a list (never 'all'); an admin key always has 'all'.
 */
export type ClientScope = readonly string[] | 'all';

/** An authenticated caller, as `@CurrentPrincipal()` gives it to a handler. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** The accountable person or team. Dual control and withdrawal approvals count owners, not keys. */
  owner: string;
  clients: ClientScope;
}

/** True when the principal may act for (or read) this client. */
export function inClientScope(p: Pick<Principal, 'clients'>, clientId: string): boolean {
  return p.clients === 'all' || p.clients.includes(clientId);
}

/** Throws 403 `auth.forbidden_client` (details: { clientId }) when the client is not in the principal's scope. */
export function assertClientScope(p: Pick<Principal, 'clients' | 'keyId'>, clientId: string): void {
  if (!inClientScope(p, clientId)) {
    throw domainError(AuthErrors['auth.forbidden_client'], 'this API key may not act for this client', { clientId });
  }
}

/** What the guard needs to check a request: the verification key, never the secret. */
export interface StoredApiKey extends Principal {
  verifier: string;
  revoked: boolean;
}
