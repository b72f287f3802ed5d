import { applyDecorators, UseGuards } from '@nestjs/common';
import { AuthErrors, Roles, type Principal } from '@strongroom/api-auth';
import { ComplianceErrors as E } from '../compliance.errors';
import { AllClientsGuard, PathClientGuard } from './client-scope.guards';

/**
 * What building a liability tree refuses (docs/proof-of-liabilities.md bounds): the proof routes
 * and the publication routes build the same tree, so they list the same refusals.
 */
export const TREE_REFUSALS = [
  E['snapshot.not_found'],
  E['snapshot.not_complete'],
  E['proof.no_assets'],
  E['proof.user_id'],
  E['proof.duplicate_user'],
  E['proof.unknown_asset'],
  E['proof.balance_range'],
  E['proof.sum_overflow'],
  E['proof.salt_length'],
  E['proof.too_many_users'],
];

/** What publishing a snapshot's root refuses (a key scoped to every client only). */
export const PUBLISH_REFUSALS = [AuthErrors['auth.forbidden_client'], ...TREE_REFUSALS];

/** What answering for one user of a published snapshot refuses, before any signing. */
export const USER_PROOF_REFUSALS = [
  AuthErrors['auth.forbidden_client'],
  E['proof.not_published'],
  E['proof.user_not_in_snapshot'],
  ...TREE_REFUSALS,
];

/** A route that sees every client's users: auditors and admins, with a key scoped to every client. */
export const AuditorsOfAllClients = (): MethodDecorator =>
  applyDecorators(Roles('auditor', 'admin'), UseGuards(AllClientsGuard));

/** A route about one client's users (that client in the path): backends and auditors scoped to it. */
export const BackendsOfPathClient = (): MethodDecorator =>
  applyDecorators(Roles('backend', 'auditor'), UseGuards(PathClientGuard));

/** The actor the audit log records for a principal. */
export const principalActor = (who: Principal): { id: string; role: Principal['role'] } => ({
  id: who.keyId,
  role: who.role,
});
