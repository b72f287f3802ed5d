import type { ChainId } from '@strongroom/shared-types';
import { DomainError, type AssetCode } from '@strongroom/shared-types';
import type { PipelineDeps } from '../core/deps';
import { holdId } from '../core/holds';
import type { WithdrawalRow } from '../withdrawal-row';
import { WithdrawalErrors } from '../withdrawals.errors';
import { holdReadings, ledgerTotals } from './ledger-readings';
import { trippedAssets, tripBreaker } from './solvency-breaker';
import { solvencyBreakerTripped, solvencyRefusals } from './solvency-metrics';
import type { OnChainHoldings, SolvencyFigures, SolvencyVerdict } from './solvency.types';

/** Nothing of this asset is signed: its solvency breaker is tripped until an admin pair clears it. */
export class SolvencyRefused extends DomainError {
  constructor(asset: AssetCode, batchId: string, reason: string) {
    super(
      WithdrawalErrors['solvency.breaker_tripped'],
      `the solvency gate refuses to sign batch ${batchId}: ${asset} ${reason}; an admin pair must clear the breaker`,
      { asset, batchId, reason },
    );
  }
}

const holdingsOf = new WeakMap<PipelineDeps, OnChainHoldings>();

/** Gives the gate of these deps the app's on-chain view (WithdrawalsModule does it from SOLVENCY_HOLDINGS). */
export function useOnChainHoldings(deps: PipelineDeps, holdings: OnChainHoldings): void {
  holdingsOf.set(deps, holdings);
}

const OUTGOING = `('signed', 'broadcast', 'confirmed')`;

/** What batches already signed pay out of custody on chain but the ledger still holds (settled later). */
async function outgoing(deps: PipelineDeps, chain: ChainId, asset: AssetCode): Promise<bigint> {
  const [w] = await deps.db.query<{ s: string }>(
    `SELECT COALESCE(SUM(amount), 0)::text AS s FROM withdrawals.withdrawals WHERE asset = $1 AND status IN ${OUTGOING}`,
    [asset],
  );
  let total = BigInt(w.s);
  if (deps.assets.has(asset) && deps.assets.get(asset).native) {
    const [b] = await deps.db.query<{ s: string }>(
      `SELECT COALESCE(SUM(network_fee), 0)::text AS s FROM withdrawals.batches WHERE chain = $1 AND status IN ${OUTGOING}`,
      [chain],
    );
    total += BigInt(b.s);
  }
  return total;
}

/**
 * The checks themselves, read-only: every hold of the batch exists, is still pending and is
 * for amount + fee; per asset of the batch, liabilities ≤ the ledger's custody and ≤ what is on
 * chain plus what signed batches are paying out.
 */
export async function checkSolvency(
  deps: PipelineDeps,
  chain: ChainId,
  ws: Pick<WithdrawalRow, 'id' | 'asset' | 'amount' | 'fee'>[],
): Promise<SolvencyVerdict> {
  const holds = await holdReadings(
    deps.db,
    ws.map((w) => holdId(w.id, 'hold')),
  );
  for (const w of ws) {
    const h = holds.get(holdId(w.id, 'hold'));
    const expected = BigInt(w.amount) + BigInt(w.fee);
    if (!h || h.state !== 'pending' || h.amount !== expected) {
      return {
        ok: false,
        asset: w.asset,
        reason: 'hold_invalid',
        detail: {
          withdrawalId: w.id,
          hold: h ? { amount: h.amount.toString(), state: h.state } : null,
          expected: expected.toString(),
        },
      };
    }
  }
  const figures: SolvencyFigures[] = [];
  for (const asset of [...new Set(ws.map((w) => w.asset))]) {
    const { liabilities, custody } = await ledgerTotals(deps.db, asset);
    const reading = await holdingsOf.get(deps)?.holdings(chain, asset);
    const f: SolvencyFigures = {
      asset,
      liabilities,
      custodyLedger: custody,
      onChain: reading
        ? { amount: reading.amount, outgoing: await outgoing(deps, chain, asset), source: reading.source }
        : null,
    };
    figures.push(f);
    const detail = {
      liabilities: liabilities.toString(),
      custodyLedger: custody.toString(),
      onChain: f.onChain && {
        amount: f.onChain.amount.toString(),
        outgoing: f.onChain.outgoing.toString(),
        source: f.onChain.source,
      },
    };
    if (liabilities > custody)
      return {
        ok: false,
        asset,
        reason: 'ledger_shortfall',
        detail: { ...detail, shortfall: (liabilities - custody).toString() },
      };
    if (f.onChain && liabilities > f.onChain.amount + f.onChain.outgoing) {
      return {
        ok: false,
        asset,
        reason: 'onchain_shortfall',
        detail: { ...detail, shortfall: (liabilities - f.onChain.amount - f.onChain.outgoing).toString() },
      };
    }
  }
  return { ok: true, figures };
}

/**
 * The signer's last step before any digest goes to KMS. A tripped breaker refuses at once; a
 * failed check trips it (incident, webhook, audit, metric) and refuses. The batch stays `signing`
 * under its lease and is retried after the lease, so once the pair clears the breaker (and the
 * cause is fixed) it signs; nothing is voided on a suspicion.
 */
export async function assertSolventBeforeSigning(
  deps: PipelineDeps,
  batch: { id: string; chain: ChainId },
  ws: Pick<WithdrawalRow, 'id' | 'asset' | 'amount' | 'fee'>[],
): Promise<void> {
  const assets = [...new Set(ws.map((w) => w.asset))];
  const tripped = await trippedAssets(deps.db, assets);
  for (const a of assets) solvencyBreakerTripped.set({ asset: a }, tripped.includes(a) ? 1 : 0);
  let refusal: { asset: AssetCode; reason: string } | null =
    tripped.length > 0 ? { asset: tripped[0], reason: 'breaker_tripped' } : null;
  if (!refusal) {
    const verdict = await checkSolvency(deps, batch.chain, ws);
    if (verdict.ok) return;
    await tripBreaker(deps, verdict.asset, batch.id, verdict.reason, verdict.detail);
    refusal = verdict;
  }
  solvencyRefusals.inc({ asset: refusal.asset, reason: refusal.reason });
  const err = new SolvencyRefused(refusal.asset, batch.id, refusal.reason);
  await deps.db.query(`UPDATE withdrawals.batches SET last_error = $2 WHERE id = $1 AND status = 'signing'`, [
    batch.id,
    err.message.slice(0, 500),
  ]);
  throw err;
}
