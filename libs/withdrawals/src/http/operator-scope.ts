import { assertClientScope, AuthErrors, type Principal } from '@strongroom/api-auth';

/** What the document says of a route over operator-wide figures (every client's sweeps or liabilities). */
export const OPERATOR_WIDE = 'Needs a key scoped to every client (403 `auth.forbidden_client` otherwise).';

/** What `assertOperatorScope` refuses with, for the route's contract. */
export const OPERATOR_SCOPE_REFUSALS = [AuthErrors['auth.forbidden_client']];

/**
 * Sweeps and the solvency figures span every client: only a key scoped to every client (or to the
 * `operator` house itself) reads them; a client's own auditor does not.
 */
export function assertOperatorScope(principal: Principal): void {
  assertClientScope(principal, 'operator');
}
