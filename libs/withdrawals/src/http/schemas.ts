import { z } from 'zod';
import { pageQuery } from '@strongroom/shared-http';
import { domainError } from '@strongroom/shared-types';
import { WithdrawalErrors } from '../withdrawals.errors';
import { WITHDRAWAL_STATUSES } from '../withdrawal.types';

export { policySchema } from '../policy/policy-schema';

const id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@/-]+$/, 'letters, digits and . _ : @ / - only');

export const withdrawalRequestSchema = z
  .object({
    clientId: id,
    userId: id,
    asset: z.string().min(1).max(16),
    // Base units, digits only (never a float, never asset units): the service refuses anything else with amount.base_units_expected.
    amount: z
      .string()
      .min(1)
      .max(100)
      .meta({ description: 'Base units, digits only ("40000000" satoshi).', example: '40000000' }),
    destination: z.string().min(1).max(200),
    memo: z.string().max(200).optional(),
    reference: z.string().max(200).optional(),
  })
  .strict();

export const listQuerySchema = z
  .object({
    clientId: id.optional(),
    userId: id.optional(),
    asset: z.string().max(16).optional(),
    status: z.enum(WITHDRAWAL_STATUSES as [string, ...string[]]).optional(),
    batchId: z.string().max(64).optional(),
    ...pageQuery,
  })
  .strict();

/** A list with nothing to filter by: only `limit` and `cursor`. */
export const pageOnlyQuery = z.object({ ...pageQuery }).strict();

export const policyListQuery = z
  .object({ asset: z.string().max(16).optional().meta({ description: 'Only this asset’s policies.' }), ...pageQuery })
  .strict();

export const withdrawalIdParams = z.object({ id: z.string().max(128).meta({ description: 'The withdrawal id.' }) });

/** The asset of a path, checked against the assets this deployment serves (404 `asset.unknown`). */
export const assetParams = z.object({ asset: z.string().meta({ description: 'An asset code (BTC, ETH, USDC…).' }) });

/** A bodiless write (its document still names the request body: none, or `{}`). */
export { NoBody as noBody } from '@strongroom/shared-http';

export const cancelSchema = z.object({ reason: z.string().max(500).optional() }).strict();
export const rejectSchema = z.object({ reason: z.string().min(1).max(500) }).strict();

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

export function idempotencyKeyOf(header: string | undefined): string {
  if (!header)
    throw domainError(
      WithdrawalErrors['idempotency.key_required'],
      'POST /v1/withdrawals needs an Idempotency-Key header',
    );
  if (!IDEMPOTENCY_KEY.test(header))
    throw domainError(
      WithdrawalErrors['idempotency.key_invalid'],
      'Idempotency-Key must be 1–128 characters of A-Z a-z 0-9 . _ : -',
    );
  return header;
}
