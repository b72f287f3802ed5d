import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IS_PUBLIC } from '@strongroom/shared-http';
import type { Role } from '@strongroom/shared-types';

export const ROLES_KEY = 'strongroom:roles';

/**
 * The roles allowed to call a route (on a handler or a whole controller). `admin` passes every
 * role check. A route with neither `@Roles` nor `@Public` is refused: access is never implied.
 */
export function Roles(...roles: Role[]): MethodDecorator & ClassDecorator {
  if (roles.length === 0) throw new Error('@Roles() needs at least one role');
  return applyDecorators(
    SetMetadata(ROLES_KEY, Object.freeze([...roles])),
    // The OpenAPI document shows who may call what.
    ApiSecurity('key'),
    ApiExtension('x-strongroom-roles', [...roles]),
    ApiUnauthorizedResponse({
      description: 'auth.missing, auth.invalid_credentials, auth.stale_timestamp, auth.replayed_nonce, auth.revoked',
    }),
    ApiForbiddenResponse({
      description: `auth.forbidden_role: needs ${roles.join(' or ')} (admin passes every role check)`,
    }),
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
