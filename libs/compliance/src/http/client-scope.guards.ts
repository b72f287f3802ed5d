import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { assertClientScope, AuthErrors, principalOf, type Principal } from '@strongroom/api-auth';
import { domainError } from '@strongroom/shared-types';
import { assertAllClients } from './compliance-inputs';

/*
 * The compliance routes' client scope, checked as guards: guards run before the request's body,
 * query and path are parsed, so a key outside the route's scope is answered 403
 * `auth.forbidden_client` whatever it sent, as the route matrix documents.
 */

function callerOf(ctx: ExecutionContext): { req: Request; who: Principal } {
  const req = ctx.switchToHttp().getRequest<Request>();
  const who = principalOf(req);
  // Every compliance route has @Roles, so the authentication guard has run; refused if not.
  if (!who) throw domainError(AuthErrors['auth.missing'], 'this route needs an authenticated caller');
  return { req, who };
}

/** Operator-wide routes: a key scoped to every client only. */
@Injectable()
export class AllClientsGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    assertAllClients(callerOf(ctx).who);
    return true;
  }
}

/** Routes of one client (`:clientId` in the path): that client in the key's scope. */
@Injectable()
export class PathClientGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const { req, who } = callerOf(ctx);
    assertClientScope(who, String(req.params.clientId));
    return true;
  }
}
