import { ChainErrors } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';

export interface FeeRateBounds {
  /** sat/vB */
  min: number;
  /** sat/vB */
  max: number;
}

/**
 * The fee rate a withdrawal pays, in sat/vB: the batch's explicit rate, else the node's
 * estimate, else the configured default. Outside the bounds it is refused, never clamped: the
 * node accepts any fee (bcoin even zero), so this check is the only guard against overpaying.
 */
export function feeRatePolicy(
  explicit: string | undefined,
  estimate: number | undefined,
  fallback: number,
  bounds: FeeRateBounds,
): number {
  let rate: number;
  let source: string;
  if (explicit !== undefined) {
    if (!/^\d+(\.\d{1,3})?$/.test(explicit))
      throw domainError(
        ChainErrors['withdrawal.fee_rate_invalid'],
        `fee rate "${explicit}" is not a decimal sat/vB`,
        {},
      );
    rate = Number(explicit);
    source = 'batch';
  } else if (estimate !== undefined && Number.isFinite(estimate) && estimate > 0) {
    rate = estimate;
    source = 'estimatesmartfee';
  } else {
    rate = fallback;
    source = 'default';
  }
  if (rate < bounds.min || rate > bounds.max) {
    throw domainError(
      ChainErrors['withdrawal.fee_rate_out_of_bounds'],
      `fee rate ${rate} sat/vB (${source}) is outside ${bounds.min}..${bounds.max} sat/vB`,
      {
        feeRate: String(rate),
        source,
        min: String(bounds.min),
        max: String(bounds.max),
      },
    );
  }
  return rate;
}
