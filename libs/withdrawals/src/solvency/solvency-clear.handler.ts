import type { ChangeHandler, Principal } from '@strongroom/api-auth';
import type { Tx } from '@strongroom/persistence';
import { AssetErrors } from '@strongroom/shared-assets';
import { parseWith } from '@strongroom/shared-http';
import { domainError } from '@strongroom/shared-types';
import { z } from 'zod';
import type { PipelineDeps } from '../core/deps';
import { auditActor } from '../core/run-tx';
import { WithdrawalErrors } from '../withdrawals.errors';
import { solvencyBreakerTripped } from './solvency-metrics';

export const SOLVENCY_CLEAR_KIND = 'withdrawals.solvency_clear';

/** What parsing a clear refuses (when it is proposed and again when approved): an asset this deployment does not serve. */
export const SOLVENCY_CLEAR_PARSE_REFUSALS = [AssetErrors['asset.unknown']];

export interface SolvencyClearPayload {
  asset: string;
  reason: string;
}

const schema = z.object({ asset: z.string().min(1).max(16), reason: z.string().min(1).max(500) }).strict();

/**
 * Clearing a tripped solvency breaker takes two admins of different owners. It does not fix the
 * cause: if liabilities still exceed custody, the next batch trips the breaker again.
 */
export function solvencyClearHandler(deps: PipelineDeps): ChangeHandler<SolvencyClearPayload> {
  return {
    kind: SOLVENCY_CLEAR_KIND,
    errors: [...SOLVENCY_CLEAR_PARSE_REFUSALS, WithdrawalErrors['solvency.not_tripped']],
    parse(payload: unknown): SolvencyClearPayload {
      const p = parseWith(schema, payload);
      return { asset: deps.assets.get(p.asset).code, reason: p.reason };
    },
    async execute(
      tx: Tx,
      payload: SolvencyClearPayload,
      ctx: { changeId: string; maker: Principal; checker: Principal },
    ) {
      const now = deps.clock.now();
      const clearedBy = {
        maker: { keyId: ctx.maker.keyId, owner: ctx.maker.owner },
        checker: { keyId: ctx.checker.keyId, owner: ctx.checker.owner },
      };
      const rows = await tx.query<{ incident_id: string | null }>(
        `UPDATE withdrawals.solvency_breakers SET tripped = false, cleared_by = $2::jsonb, cleared_at = $3, clear_change_id = $4
          WHERE asset = $1 AND tripped RETURNING incident_id`,
        [payload.asset, JSON.stringify(clearedBy), now, ctx.changeId],
      );
      if (rows.length === 0)
        throw domainError(
          WithdrawalErrors['solvency.not_tripped'],
          `the solvency breaker of ${payload.asset} is not tripped`,
          {
            asset: payload.asset,
          },
        );
      const body = {
        asset: payload.asset,
        incidentId: rows[0].incident_id,
        reason: payload.reason,
        changeId: ctx.changeId,
        clearedBy,
      };
      await deps.outbox.enqueue(tx, {
        type: 'withdrawals.solvency_breaker_cleared',
        subject: `asset:${payload.asset}`,
        payload: body,
      });
      await deps.audit.append(tx, {
        actor: auditActor(ctx.checker.keyId, ctx.checker.role),
        action: 'withdrawal_solvency_breaker.cleared',
        subject: { type: 'asset', id: payload.asset },
        payload: body,
      });
      solvencyBreakerTripped.set({ asset: payload.asset }, 0);
      return { asset: payload.asset, tripped: false, clearedAt: now.toISOString() };
    },
  };
}
