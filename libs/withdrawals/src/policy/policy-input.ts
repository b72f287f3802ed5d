import { parseWith } from '@strongroom/shared-http';
import { badRequest } from '@strongroom/shared-types';
import { z } from 'zod';
import { policySchema } from './policy-schema';
import { adapterFor, type PipelineDeps } from '../core/deps';
import { assertPolicyBounds } from './policy-bounds';
import type { PolicyInput } from './policy.service';

const CLIENT = /^(\*|[A-Za-z0-9._:@/-]{1,128})$/;

/** A proposed policy change as stored in the change request: the body in base-unit strings. */
export interface PolicyChangePayload {
  asset: string;
  clientId: string;
  policy: z.input<typeof policySchema>;
}

const payloadSchema = z
  .object({ asset: z.string().min(1).max(16), clientId: z.string().min(1).max(128), policy: z.unknown() })
  .strict();

/**
 * Validates a policy for (asset, client): schema, asset served, allowlist addresses normalised by the
 * chain adapter, value bounds. Runs when the change is proposed and again when it is approved.
 */
export function parsePolicyChange(
  deps: PipelineDeps,
  raw: unknown,
): { payload: PolicyChangePayload; asset: string; clientId: string; input: PolicyInput } {
  const { asset: code, clientId, policy } = parseWith(payloadSchema, raw);
  const info = deps.assets.get(code);
  if (!CLIENT.test(clientId)) throw badRequest('request.invalid', 'clientId must be "*" or a client id');
  const p = parseWith(policySchema, policy ?? {});
  let allowlist: string[] | null = null;
  if (p.allowlist) {
    const adapter = adapterFor(deps, info.chain);
    allowlist = p.allowlist.map((a) => {
      const c = adapter.validateAddress(a);
      if (!c.ok) throw badRequest(c.code, `allowlist entry ${a}: ${c.reason}`, { address: a });
      return c.normalized;
    });
  }
  const big = (v: string | null) => (v === null ? null : BigInt(v));
  const input: PolicyInput = {
    maxAmount: big(p.maxAmount),
    userDailyLimit: big(p.userDailyLimit),
    clientDailyLimit: big(p.clientDailyLimit),
    allowlist,
    approvalThreshold: big(p.approvalThreshold),
    approvalsRequired: p.approvalsRequired,
    breakerWindowSeconds: p.breakerWindowSeconds,
    breakerLimit: big(p.breakerLimit),
    withdrawalFee: BigInt(p.withdrawalFee),
  };
  assertPolicyBounds(input);
  return { payload: { asset: info.code, clientId, policy: { ...p, allowlist } }, asset: info.code, clientId, input };
}
