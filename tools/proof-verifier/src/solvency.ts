import { asArray, asObject, asString, field, readAmount } from './fields';
import { quote, type JsonValue } from './strict-json';
import { AuditRefusal } from './audit-refusals';

export interface SolvencyLine {
  asset: string;
  /** On-chain holdings in base units; "0" when the reconciliation has no line for the asset. */
  assets: string;
  liabilities: string;
  /** assets − liabilities: negative is a shortfall. */
  margin: string;
  solvent: boolean;
  /** False when the reconciliation holds no line for the asset (counted as holding nothing). */
  reported: boolean;
}

export interface Solvency {
  reconciliationId: string;
  solvent: boolean;
  lines: SolvencyLine[];
}

/**
 * Assets ≥ liabilities per asset: the reconciliation's on-chain holdings (`assets[].onChain` of
 * GET /v1/reconciliations/:id, other fields ignored) against the totals the audited leaves add up to
 * (docs/proof-of-liabilities.md § 14.4).
 */
export function solvencyOf(doc: JsonValue, snapshotId: string, assets: string[], totals: bigint[]): Solvency {
  const holdings = new Map<string, bigint>();
  let reconciliationId: string;
  try {
    const rec = asObject(doc, '$');
    reconciliationId = asString(field(rec, 'id', '$'), '$.id');
    const of = asString(field(rec, 'snapshotId', '$'), '$.snapshotId');
    if (of !== snapshotId)
      throw new AuditRefusal('holdings_invalid', '$.snapshotId', `a reconciliation of snapshot ${quote(of)}`);
    asArray(field(rec, 'assets', '$'), '$.assets').forEach((line, i) => {
      const o = asObject(line, `$.assets[${i}]`);
      const asset = asString(field(o, 'asset', `$.assets[${i}]`), `$.assets[${i}].asset`);
      if (holdings.has(asset))
        throw new AuditRefusal('holdings_invalid', `$.assets[${i}]`, `asset ${quote(asset)} listed twice`);
      holdings.set(asset, readAmount(field(o, 'onChain', `$.assets[${i}]`), `$.assets[${i}].onChain`));
    });
  } catch (err) {
    if (err instanceof AuditRefusal) throw err;
    throw new AuditRefusal('holdings_invalid', 'holdings', `the holdings: ${(err as Error).message}`);
  }
  const lines = assets.map((asset, k): SolvencyLine => {
    const held = holdings.get(asset) ?? 0n;
    const margin = held - totals[k];
    return {
      asset,
      assets: held.toString(),
      liabilities: totals[k].toString(),
      margin: margin.toString(),
      solvent: margin >= 0n,
      reported: holdings.has(asset),
    };
  });
  return { reconciliationId, solvent: lines.every((l) => l.solvent), lines };
}
