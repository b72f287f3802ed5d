import { defineErrors } from '@strongroom/shared-types';

/** Authentication, authorisation, API keys, clients and dual control (rendered as problem+json). */
export const AuthErrors = defineErrors('auth', {
  'auth.missing': { status: 401, title: 'Signed request headers missing or malformed' },
  'auth.invalid_credentials': {
    status: 401,
    title: 'Unknown key or bad signature',
    description: 'An unknown key id and a wrong signature answer alike, so key ids cannot be probed.',
  },
  'auth.stale_timestamp': { status: 401, title: 'Request timestamp outside the allowed skew' },
  'auth.replayed_nonce': { status: 401, title: 'Nonce already used with this key' },
  'auth.revoked': { status: 401, title: 'API key revoked' },
  'auth.forbidden_role': { status: 403, title: 'The key’s role may not call this route' },
  'auth.forbidden_client': { status: 403, title: 'The key may not act for this client' },
  'auth.route_unguarded': {
    status: 500,
    title: 'Route declares no access rule',
    description: 'A server bug: every route must say who may call it; refused rather than left open.',
  },
  'auth.invalid_name': { status: 400, title: 'API key name empty, too long or unsafe text' },
  'auth.invalid_owner': { status: 400, title: 'API key owner empty, too long or unsafe text' },
  'auth.invalid_role': { status: 400, title: 'Unknown role, or a role not minted this way' },
  'auth.invalid_clients': { status: 400, title: 'API key client scope invalid' },
  'auth.key_not_found': { status: 404, title: 'No such API key' },
  'client.invalid': { status: 400, title: 'Client id, name, custody or status invalid' },
  'client.reserved': { status: 400, title: 'Client id reserved for the service’s own accounts' },
  'client.not_found': { status: 404, title: 'No such client' },
  'client.exists': { status: 409, title: 'A client with this id exists' },
  'client.suspended': { status: 422, title: 'Client suspended' },
  'change.unknown_kind': { status: 400, title: 'This API executes no change of that kind' },
  'change.invalid_payload': { status: 400, title: 'Change payload nests too deep or holds unsafe text' },
  'change.invalid_reason': { status: 400, title: 'Rejection reason empty, too long or unsafe text' },
  'change.same_person': {
    status: 403,
    title: 'Maker and checker are the same',
    description: 'A change needs a second admin: a different key with a different owner.',
  },
  'change.not_found': { status: 404, title: 'No such change request' },
  'change.not_pending': { status: 409, title: 'Change already approved, rejected or failed' },
  'change.other_api': { status: 409, title: 'Change recorded by another API, which executes it' },
  'change.maker_revoked': { status: 409, title: 'The maker’s key was revoked since the proposal' },
});
