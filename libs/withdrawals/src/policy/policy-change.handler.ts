import { AuthErrors, findClient, type ChangeHandler, type Principal } from '@strongroom/api-auth';
import type { Tx } from '@strongroom/persistence';
import { ChainErrors } from '@strongroom/chains-core';
import { AssetErrors } from '@strongroom/shared-assets';
import { AmountErrors, domainError, type ErrorEntry } from '@strongroom/shared-types';
import { WithdrawalErrors } from '../withdrawals.errors';
import type { PipelineDeps } from '../core/deps';
import type { PolicyDeps } from './policy.service';
import { parsePolicyChange, type PolicyChangePayload } from './policy-input';
import { policyJson } from './policy.service';

export const POLICY_CHANGE_KIND = 'withdrawals.policy';

/** What a policy change can be refused with, when proposed and again when approved. */
export const POLICY_CHANGE_REFUSALS: readonly ErrorEntry[] = [
  AssetErrors['asset.unknown'],
  AuthErrors['client.not_found'],
  AmountErrors['amount.base_units_expected'],
  ChainErrors['address.malformed'],
  ChainErrors['address.checksum'],
  ChainErrors['address.wrong_network'],
  ChainErrors['address.refused'],
  WithdrawalErrors['chain.unavailable'],
  WithdrawalErrors['policy.invalid'],
];

/** 404 `client.not_found` unless the policy is the asset default or names a registered client. */
export async function assertPolicyClient(db: Pick<Tx, 'query'>, clientId: string): Promise<void> {
  if (clientId !== '*' && !(await findClient(db, clientId)))
    throw domainError(AuthErrors['client.not_found'], `no client ${clientId}`, { clientId });
}

/**
 * Dual control of withdrawal policies: PUT proposes, a second admin (another key and another
 * owner) approves, and this executes the change in the approval's transaction. The change log
 * names the maker; the audit record names maker and checker.
 */
export function policyChangeHandler(deps: PipelineDeps & PolicyDeps): ChangeHandler<PolicyChangePayload> {
  return {
    kind: POLICY_CHANGE_KIND,
    errors: POLICY_CHANGE_REFUSALS,
    parse: (payload) => parsePolicyChange(deps, payload).payload,
    async execute(
      tx: Tx,
      payload: PolicyChangePayload,
      ctx: { changeId: string; maker: Principal; checker: Principal },
    ) {
      const { asset, clientId, input } = parsePolicyChange(deps, payload);
      await assertPolicyClient(tx, clientId);
      const approval = {
        changeId: ctx.changeId,
        maker: { keyId: ctx.maker.keyId, owner: ctx.maker.owner },
        checker: { keyId: ctx.checker.keyId, owner: ctx.checker.owner },
      };
      const { policy, record } = await deps.policies.write(tx, ctx.maker, asset, clientId, input, approval);
      await deps.audit.append(tx, record);
      return policyJson(policy);
    },
  };
}
