import type { AssetRegistry } from '@strongroom/shared-assets';
import { domainError, parseBaseUnits } from '@strongroom/shared-types';
import { TreasuryErrors } from '../treasury.errors';
import type { FloatRule } from './float-policy';

/** A rule as JSON (the API's body and the stored column): amounts decimal strings, fractions decimal strings. */
export type FloatRuleJson =
  | { kind: 'fixed'; target: string; lower: string; upper: string }
  | {
      kind: 'outflow';
      lookbackDays: number;
      coverDays: number;
      buffer: string;
      lowerFraction: string;
      upperFraction: string;
    };

export interface PolicyChangePayload {
  asset: string;
  owner: string;
  rule: FloatRuleJson;
  leadTimeSeconds: number;
  approvalsRequired: number;
}

const FRACTION = /^[0-9]{1,3}(\.[0-9]{1,4})?$/;
const OWNER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_LEAD_SECONDS = 30 * 86_400;

const bad = (detail: string) => domainError(TreasuryErrors['treasury.policy_invalid'], detail);

/** Base units (0 allowed: a lower bound may be none); "0.4" is `amount.base_units_expected`, as on every API. */
function amount(name: string, raw: unknown): bigint {
  return raw === '0' ? 0n : parseBaseUnits(raw, `rule.${name}`);
}

function bps(name: string, raw: unknown): number {
  if (typeof raw !== 'string' || !FRACTION.test(raw)) throw bad(`${name} must be a decimal string like "0.5"`);
  const [whole, frac = ''] = raw.split('.');
  return Number(whole) * 10_000 + Number(frac.padEnd(4, '0'));
}

function intIn(name: string, raw: unknown, lo: number, hi: number): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < lo || raw > hi)
    throw bad(`${name} must be an integer from ${lo} to ${hi}`);
  return raw;
}

/** The rule in base units and basis points, checked: lower ≤ target ≤ upper. */
export function parseRule(json: FloatRuleJson): FloatRule {
  if (json?.kind === 'fixed') {
    const target = amount('target', json.target);
    const lower = amount('lower', json.lower);
    const upper = amount('upper', json.upper);
    if (!(lower <= target && target <= upper)) throw bad('a fixed rule needs lower ≤ target ≤ upper');
    return { kind: 'fixed', target, lower, upper };
  }
  if (json?.kind === 'outflow') {
    const lowerBps = bps('lowerFraction', json.lowerFraction);
    const upperBps = bps('upperFraction', json.upperFraction);
    if (!(lowerBps <= 10_000 && 10_000 <= upperBps))
      throw bad('an outflow rule needs lowerFraction ≤ 1 ≤ upperFraction');
    return {
      kind: 'outflow',
      lookbackDays: intIn('lookbackDays', json.lookbackDays, 1, 90),
      coverDays: intIn('coverDays', json.coverDays, 1, 30),
      buffer: amount('buffer', json.buffer),
      lowerBps,
      upperBps,
    };
  }
  throw bad('rule.kind must be fixed or outflow');
}

export function ruleJson(r: FloatRule): FloatRuleJson {
  if (r.kind === 'fixed') return { kind: 'fixed', target: `${r.target}`, lower: `${r.lower}`, upper: `${r.upper}` };
  const frac = (b: number) => `${Math.floor(b / 10_000)}.${String(b % 10_000).padStart(4, '0')}`;
  return {
    kind: 'outflow',
    lookbackDays: r.lookbackDays,
    coverDays: r.coverDays,
    buffer: `${r.buffer}`,
    lowerFraction: frac(r.lowerBps),
    upperFraction: frac(r.upperBps),
  };
}

/** Everything a policy change is checked for at proposal and again at approval (owner existence aside). */
export function parsePolicyChange(assets: AssetRegistry, p: PolicyChangePayload) {
  const asset = assets.get(p.asset).code;
  if (typeof p.owner !== 'string' || !OWNER.test(p.owner)) throw bad('owner must be `operator` or a client id');
  return {
    asset,
    owner: p.owner,
    rule: parseRule(p.rule),
    leadTimeSeconds: intIn('leadTimeSeconds', p.leadTimeSeconds, 0, MAX_LEAD_SECONDS),
    approvalsRequired: intIn('approvalsRequired', p.approvalsRequired, 2, 10),
  };
}
