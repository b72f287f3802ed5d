import { findClient, type ChangeHandler, type Queryable } from '@strongroom/api-auth';
import { AssetErrors, type AssetRegistry } from '@strongroom/shared-assets';
import { AmountErrors, domainError } from '@strongroom/shared-types';
import { OPERATOR_OWNER } from '../rules/float-policy';
import { TreasuryErrors } from '../treasury.errors';
import { parsePolicyChange, type PolicyChangePayload } from '../rules/policy-input';
import { policyJson, type PolicyStore } from './policy-store';

/** The dual-control kind of a float policy change: a second admin of another owner approves it. */
export const POLICY_CHANGE_KIND = 'treasury.policy';

/** What proposing or approving a float policy may refuse with. */
export const POLICY_CHANGE_REFUSALS = [
  TreasuryErrors['treasury.policy_invalid'],
  TreasuryErrors['treasury.owner_unknown'],
  AssetErrors['asset.unknown'],
  AmountErrors['amount.base_units_expected'],
  AmountErrors['amount.malformed'],
  AmountErrors['amount.too_large'],
  AmountErrors['amount.not_positive'],
];

/** The owner is the operator's pool or a registered client; checked at proposal and again at approval. */
export async function assertOwner(db: Queryable, owner: string): Promise<void> {
  if (owner === OPERATOR_OWNER) return;
  if (!(await findClient(db, owner)))
    throw domainError(TreasuryErrors['treasury.owner_unknown'], `no client ${owner}`, { owner });
}

export function policyChangeHandler(
  assets: AssetRegistry,
  policies: Pick<PolicyStore, 'put'>,
): ChangeHandler<ReturnType<typeof parsePolicyChange>> {
  return {
    kind: POLICY_CHANGE_KIND,
    parse: (payload) => parsePolicyChange(assets, payload as PolicyChangePayload),
    async execute(tx, p, ctx) {
      await assertOwner(tx, p.owner);
      return policyJson(await policies.put(tx, p, ctx));
    },
    errors: POLICY_CHANGE_REFUSALS,
  };
}
