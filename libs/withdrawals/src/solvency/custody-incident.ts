import type { PipelineDeps } from '../core/deps';
import { audit, auditActor, runTx } from '../core/run-tx';
import { insertIncident, SOLVENCY_ACTOR, tripInTx, type IncidentInput } from './solvency-breaker';
import { solvencyBreakerTripped } from './solvency-metrics';

/**
 * Records an incident in custody itself — coins of ours moved by a transaction we did not make —
 * and stops signing the asset until an admin pair has looked (the solvency breaker, cleared by
 * dual control). Once per incident id, so a retry after a crash records nothing twice; the breaker
 * is tripped with this incident unless something else already tripped it.
 */
export async function raiseCustodyIncident(deps: PipelineDeps, i: IncidentInput): Promise<void> {
  const tripped = await runTx(deps, async (tx) => {
    if (!(await insertIncident(tx, i, deps.clock.now()))) return false;
    audit(tx, {
      actor: auditActor(SOLVENCY_ACTOR),
      action: 'withdrawal_incident.raised',
      subject: { type: 'withdrawal_batch', id: i.batchId },
      payload: { incidentId: i.id, asset: i.asset, kind: i.kind, detail: i.detail },
    });
    return tripInTx(tx, deps, i);
  });
  if (tripped) solvencyBreakerTripped.set({ asset: i.asset }, 1);
}
