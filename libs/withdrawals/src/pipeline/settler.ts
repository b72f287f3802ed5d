import type { ChainId } from '@strongroom/shared-types';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import type { WithdrawalRow } from '../withdrawal-row';
import type { BatchRow } from './batch-row';
import type { FaultHook } from './fault-points';
import type { PipelineDeps } from './pipeline-deps';
import { settlementLegs, type SettlementAccounts } from './settlement-legs';
import { runTx } from './run-tx';
import { transition } from './transition';

/**
 * Settles confirmed batches: posts the holds and books payout, withdrawal fees and the network
 * fee as one linked ledger chain, in the same transaction as the move to `settled`.
 */
export class Settler {
  constructor(
    private readonly deps: PipelineDeps,
    private readonly opts: { chain: ChainId },
    private readonly fault?: FaultHook,
  ) {}

  async runOnce(): Promise<string | null> {
    const { deps, opts } = this;
    return runTx(deps, async (tx) => {
      const [b] = await tx.query<BatchRow>(
        `SELECT * FROM withdrawals.batches WHERE status = 'confirmed' AND chain = $1 ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [opts.chain],
      );
      if (!b) return null;
      const ws = await tx.query<WithdrawalRow>(`SELECT * FROM withdrawals.withdrawals WHERE batch_id = $1 AND status = 'confirmed' ORDER BY seq FOR UPDATE`, [b.id]);
      const native = deps.assets.onChain(b.chain).find((a) => a.native);
      if (!native) throw new Error(`no native asset for ${b.chain}`);
      const accounts: SettlementAccounts = {
        perAsset: new Map(),
        feeExpense: await deps.accounts.feeExpense(tx, b.wallet_id, native.code),
        networkFeePayer:
          b.chain === 'ethereum' ? await deps.accounts.relayerGas(tx, b.wallet_id, native.code) : await deps.accounts.custody(tx, b.wallet_id, native.code),
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
        settled.push({ id: w.id, asset: w.asset, userAccountId: await deps.accounts.user(tx, w.client_id, w.user_id, w.asset), amount: BigInt(w.amount), fee: BigInt(w.fee) });
      }
      const legs = settlementLegs(b.id, settled, BigInt(b.network_fee ?? '0'), accounts);
      const results = await deps.ledger.createTransfers(legs, tx);
      const refused = results.filter((r) => !r.ok);
      if (refused.length > 0) {
        const r = refused[0] as { id: string; code: string; detail: string };
        throw new Error(`the ledger refused settlement of batch ${b.id}: ${r.id} ${r.code} ${r.detail}`);
      }
      await tx.query(`UPDATE withdrawals.batches SET status = 'settled', updated_at = $2 WHERE id = $1`, [b.id, deps.clock.now()]);
      for (const w of ws) {
        await transition(tx, deps, w.id, 'confirmed', 'settled', { actor: SYSTEM_ACTOR, detail: { batchId: b.id, txid: b.txid, networkFee: b.network_fee } });
      }
      await this.fault?.('settler.before_commit', { batchId: b.id });
      return b.id;
    });
  }
}
