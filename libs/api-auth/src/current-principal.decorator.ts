import { domainError } from '@strongroom/shared-types';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal';
import { AuthErrors } from './auth.errors';

/** Where the guard leaves the authenticated caller on the request. */
export const PRINCIPAL = Symbol('strongroom.principal');

export type RequestWithPrincipal = { [PRINCIPAL]?: Principal };

export function principalOf(req: unknown): Principal | undefined {
  return (req as RequestWithPrincipal)[PRINCIPAL];
}

/** The authenticated caller `{ keyId, name, role, owner, clients }`; on a public route there is none (refused). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = principalOf(ctx.switchToHttp().getRequest());
  if (!principal) throw domainError(AuthErrors['auth.missing'], 'this route needs an authenticated caller');
  return principal;
});
