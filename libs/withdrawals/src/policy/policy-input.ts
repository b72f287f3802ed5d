import { HttpErrors, parseWith } from '@strongroom/shared-http';
import { ChainErrors } from '@strongroom/chains-core';
import { AmountErrors, domainError } from '@strongroom/shared-types';
import { POLICY_AMOUNT_FIELDS } from './policy-bounds';
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

/** Policy amounts are base units like every API's: "0.5" is refused with the amounts code, not read as coins. */
function assertBaseUnitLimits(policy: unknown): void {
  if (typeof policy !== 'object' || policy === null) return;
  for (const field of POLICY_AMOUNT_FIELDS) {
    const v = (policy as Record<string, unknown>)[field];
    if (typeof v === 'string' && !/^[0-9]+$/.test(v))
      throw domainError(
        AmountErrors['amount.base_units_expected'],
        `${field} "${v.slice(0, 40)}" is not a whole number of base units`,
        {
          field,
        },
      );
  }
}

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
  if (!CLIENT.test(clientId)) throw domainError(HttpErrors['request.invalid'], 'clientId must be "*" or a client id');
  assertBaseUnitLimits(policy);
  const p = parseWith(policySchema, policy ?? {});
  let allowlist: string[] | null = null;
  if (p.allowlist) {
    const adapter = adapterFor(deps, info.chain);
    allowlist = p.allowlist.map((a) => {
      const c = adapter.validateAddress(a);
      if (!c.ok) throw domainError(ChainErrors[c.code], `allowlist entry ${a}: ${c.reason}`, { address: a });
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
