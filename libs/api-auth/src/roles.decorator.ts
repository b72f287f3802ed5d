import { applyDecorators, SetMetadata } from '@nestjs/common';
import { DocumentNotes, IS_PUBLIC } from '@strongroom/shared-http';
import type { Role } from '@strongroom/shared-types';
import { AuthErrors } from './auth.errors';

export const ROLES_KEY = 'strongroom:roles';

/** What the authentication guard may answer on any signed route, whatever the handler does. */
const SIGNED_ROUTE_REFUSALS = [
  AuthErrors['auth.missing'],
  AuthErrors['auth.invalid_credentials'],
  AuthErrors['auth.stale_timestamp'],
  AuthErrors['auth.replayed_nonce'],
  AuthErrors['auth.revoked'],
  AuthErrors['auth.forbidden_role'],
];

/**
 * The roles allowed to call a route (on a handler or a whole controller). `admin` passes every
 * role check. A route with neither `@Roles` nor `@Public` is refused: access is never implied.
 */
export function Roles(...roles: Role[]): MethodDecorator & ClassDecorator {
  if (roles.length === 0) throw new Error('@Roles() needs at least one role');
  return applyDecorators(
    SetMetadata(ROLES_KEY, Object.freeze([...roles])),
    // The OpenAPI document shows who may call what, and what the guard answers before the handler runs.
    DocumentNotes({ errors: SIGNED_ROUTE_REFUSALS, extensions: { 'x-strongroom-roles': [...roles] } }),
  ) as MethodDecorator & ClassDecorator;
}

export type RouteAccess = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] } | { kind: 'unguarded' };

/**
 * How a route is protected. The handler's own marking wins over its controller's, so a
 * `@Public()` controller can still hold a `@Roles` route and vice versa. The guard and the
 * route enumeration both use this, so they cannot disagree.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function routeAccess(handler: Function, controller: Function): RouteAccess {
  for (const target of [handler, controller]) {
    const roles = Reflect.getMetadata(ROLES_KEY, target) as readonly Role[] | undefined;
    if (roles && roles.length > 0) return { kind: 'roles', roles };
    if (Reflect.getMetadata(IS_PUBLIC, target) === true) return { kind: 'public' };
  }
  return { kind: 'unguarded' };
}

export function roleAllows(allowed: readonly Role[], role: Role): boolean {
  return role === 'admin' || allowed.includes(role);
}
