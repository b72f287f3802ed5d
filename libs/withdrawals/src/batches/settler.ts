import { LedgerErrors } from '@strongroom/ledger';
import type { ChainId } from '@strongroom/shared-types';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import type { WithdrawalRow } from '../withdrawal-row';
import type { BatchRow } from './batch-row';
import type { FaultHook } from '../core/fault-points';
import { networkFeeAccounts } from './network-fee-accounts';
import type { PipelineDeps } from '../core/deps';
import { settlementLegs, type SettlementAccounts } from './settlement-legs';
import { audit, auditActor, runTx } from '../core/run-tx';
import { transition } from '../core/transition';

export interface SettlerOptions {
  chain: ChainId;
  /** A batch whose settlement the ledger refused is parked this long before it is tried again. */
  retryAfterMs?: number;
}

const RETRY_AFTER_MS = 60_000;

/**
 * Settles confirmed batches: posts the holds of the withdrawals the chain paid and books payout,
 * withdrawal fees and the network fee as one linked ledger chain, in the same transaction as the
 * move to `settled`. A settlement the ledger refuses (a closed account, …) is parked: the refusal
 * goes to last_error and the audit log, `lease_until` holds the batch back for `retryAfterMs`,
 * and the batches after it settle meanwhile.
 */
export class Settler {
  constructor(
    private readonly deps: PipelineDeps,
    private readonly opts: SettlerOptions,
    private readonly fault?: FaultHook,
  ) {}

  /** Settles (or parks) the oldest confirmed batch that is not parked; its id, or null when none is due. */
  async runOnce(): Promise<string | null> {
    const { deps, opts } = this;
    return runTx(deps, async (tx) => {
      const now = deps.clock.now();
      const [b] = await tx.query<BatchRow>(
        `SELECT * FROM withdrawals.batches WHERE status = 'confirmed' AND chain = $1 AND (lease_until IS NULL OR lease_until <= $2)
          ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [opts.chain, now],
      );
      if (!b) return null;
      // Only the withdrawals the chain paid are `confirmed`; unpaid ones were failed by the confirmer.
      const ws = await tx.query<WithdrawalRow>(
        `SELECT * FROM withdrawals.withdrawals WHERE batch_id = $1 AND status = 'confirmed' ORDER BY seq FOR UPDATE`,
        [b.id],
      );
      const accounts: SettlementAccounts = {
        perAsset: new Map(),
        ...(await networkFeeAccounts(tx, deps, b.chain, b.wallet_id)),
      };
      const settled = [];
      for (const w of ws) {
        if (!accounts.perAsset.has(w.asset)) {
          accounts.perAsset.set(w.asset, {
            inFlight: await deps.accounts.inFlight(tx, b.chain, w.asset),
            custody: await deps.accounts.custody(tx, b.wallet_id, w.asset),
            feeRevenue: await deps.accounts.feeRevenue(tx, w.asset),
          });
        }
        settled.push({
          id: w.id,
          asset: w.asset,
          userAccountId: await deps.accounts.user(tx, w.client_id, w.user_id, w.asset),
          amount: BigInt(w.amount),
          fee: BigInt(w.fee),
        });
      }
      const legs = settlementLegs(b.id, settled, BigInt(b.network_fee ?? '0'), accounts);
      const results = await deps.ledger.createTransfers(legs, tx);
      // The cause, not the legs of the linked chain that fell with it.
      const refusals = results.filter((r) => !r.ok) as { id: string; code: string; detail: string }[];
      const refused = refusals.find((r) => r.code !== LedgerErrors['transfer.linked_failed'].code) ?? refusals[0];
      if (refused) {
        // The linked chain moved nothing. Park the batch so the ones after it are not held up.
        const retryAt = new Date(now.getTime() + (opts.retryAfterMs ?? RETRY_AFTER_MS));
        const reason = `the ledger refused settlement: ${refused.id} ${refused.code} ${refused.detail}`;
        await tx.query(
          `UPDATE withdrawals.batches SET lease_until = $2, last_error = $3, updated_at = $4 WHERE id = $1`,
          [b.id, retryAt, reason, now],
        );
        audit(tx, {
          actor: auditActor(SYSTEM_ACTOR),
          action: 'withdrawal_batch.settlement_refused',
          subject: { type: 'withdrawal_batch', id: b.id },
          payload: {
            transferId: refused.id,
            code: refused.code,
            detail: refused.detail,
            retryAt: retryAt.toISOString(),
          },
        });
        return b.id;
      }
      // A batch that had been parked loses the refusal it no longer has; other notes (unpaid outputs) stay.
      await tx.query(
        `UPDATE withdrawals.batches SET status = 'settled', last_error = CASE WHEN lease_until IS NULL THEN last_error END, lease_until = NULL, updated_at = $2 WHERE id = $1`,
        [b.id, now],
      );
      for (const w of ws) {
        await transition(tx, deps, w.id, 'confirmed', 'settled', {
          actor: SYSTEM_ACTOR,
          detail: { batchId: b.id, txid: b.txid, networkFee: b.network_fee },
        });
      }
      await this.fault?.('settler.before_commit', { batchId: b.id });
      return b.id;
    });
  }
}
