import type { AuditLog } from '@strongroom/audit';
import type { Tx } from '@strongroom/persistence';
import { domainError } from '@strongroom/shared-types';
import { createApiKey, parseNewApiKey, type NewApiKey } from '../api-keys';
import {
  createClient,
  isClientIdFormat,
  parseClientChange,
  parseNewClient,
  updateClient,
  type ClientChange,
  type NewClient,
} from '../clients/clients';
import type { ChangeContext, ChangeHandler } from './change-handler';
import { AuthErrors } from '../auth.errors';

/** Roles whose keys are minted only through dual control: each can approve something. */
export const DUAL_CONTROL_ROLES = ['admin', 'approver'] as const;

/** What minting a key through dual control may be refused with, at proposal or approval. */
export const AUTH_KEY_CHANGE_ERRORS = [
  AuthErrors['auth.invalid_name'],
  AuthErrors['auth.invalid_owner'],
  AuthErrors['auth.invalid_role'],
  AuthErrors['auth.invalid_clients'],
  AuthErrors['client.not_found'],
  AuthErrors['client.suspended'],
];

/** What creating or changing a client may be refused with, at proposal or approval. */
export const AUTH_CLIENT_CHANGE_ERRORS = [
  AuthErrors['client.invalid'],
  AuthErrors['client.reserved'],
  AuthErrors['client.exists'],
  AuthErrors['client.not_found'],
];

const both = (ctx: ChangeContext) => ({
  changeId: ctx.changeId,
  maker: { keyId: ctx.maker.keyId, owner: ctx.maker.owner },
  checker: { keyId: ctx.checker.keyId, owner: ctx.checker.owner },
});
const actor = (ctx: ChangeContext) => ({ id: ctx.checker.keyId, role: ctx.checker.role });

/**
 * `auth.key`: mint an admin or approver key. The secret is returned once, to the CHECKER, in the
 * approval's response, and is not stored (the change row keeps the key id, name, role, owner).
 */
export function authKeyHandler(audit: AuditLog): ChangeHandler<Required<NewApiKey>> {
  return {
    kind: 'auth.key',
    parse(payload) {
      const k = parseNewApiKey((payload ?? {}) as NewApiKey);
      if (!(DUAL_CONTROL_ROLES as readonly string[]).includes(k.role)) {
        throw domainError(
          AuthErrors['auth.invalid_role'],
          'only admin and approver keys are minted through dual control',
        );
      }
      return k;
    },
    async execute(tx: Tx, k, ctx) {
      const creds = await createApiKey(tx, k);
      await audit.append(tx, {
        actor: actor(ctx),
        action: 'auth.key_created',
        subject: { type: 'api_key', id: creds.keyId },
        payload: { name: k.name, role: k.role, owner: k.owner, clients: k.clients, ...both(ctx) },
      });
      return { ...creds, name: k.name, role: k.role, owner: k.owner, clients: k.clients };
    },
    redact(result) {
      const { secret: _secret, ...rest } = result as { secret: string };
      return rest;
    },
    errors: AUTH_KEY_CHANGE_ERRORS,
  };
}

export type ClientChangePayload = ({ op: 'create' } & NewClient) | ({ op: 'update'; id: string } & ClientChange);

/** `auth.client`: create a client, or change its custody model (segregation), status or name. */
export function authClientHandler(audit: AuditLog): ChangeHandler<ClientChangePayload> {
  return {
    kind: 'auth.client',
    parse(payload) {
      const { op, id, ...rest } = (payload ?? {}) as Record<string, unknown>;
      if (op === 'create') return { op, ...parseNewClient({ id, ...rest }) };
      if (op === 'update') {
        if (!isClientIdFormat(id))
          throw domainError(AuthErrors['client.invalid'], 'client id must be 1 to 64 of [A-Za-z0-9._-]');
        return { op, id, ...parseClientChange(rest) };
      }
      throw domainError(AuthErrors['client.invalid'], "op must be 'create' or 'update'");
    },
    async execute(tx: Tx, p, ctx) {
      const client = p.op === 'create' ? await createClient(tx, p) : await updateClient(tx, p.id, p);
      await audit.append(tx, {
        actor: actor(ctx),
        action: p.op === 'create' ? 'client.created' : 'client.updated',
        subject: { type: 'client', id: client.id },
        payload: { change: p, client, ...both(ctx) },
      });
      return client;
    },
    errors: AUTH_CLIENT_CHANGE_ERRORS,
  };
}
