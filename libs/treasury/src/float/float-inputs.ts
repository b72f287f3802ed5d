import type { LedgerService } from '@strongroom/ledger';
import type { Tx } from '@strongroom/persistence';
import type { AssetCode } from '@strongroom/shared-types';
import { OPERATOR_OWNER, type Outflow } from '../rules/float-policy';

/** What a reading reads: the ledger's view of a wallet, and what its owner's hot wallets paid out. */
export interface FloatInputs {
  /** The hot wallet's custody account: posted debits less posted and pending credits (0 if never opened). */
  custodyBalance(tx: Tx, walletId: string, asset: AssetCode): Promise<bigint>;
  /** Withdrawals of this asset settled after `since`, paid from this owner's hot wallets (any of them, old ones too). */
  outflows(tx: Tx, owner: string, asset: AssetCode, since: Date): Promise<Outflow[]>;
}

/** The ledger's house client, which owns every custody account. */
const HOUSE = 'operator';

/**
 * Balances through LedgerService (the ledger's public contract); outflows read from the
 * `withdrawals` tables (read only, as compliance reads deposits): no withdrawals service lists
 * settled withdrawals across clients by paying wallet. A settled withdrawal is final, so its
 * `updated_at` is the time it settled.
 */
export class LedgerFloatInputs implements FloatInputs {
  constructor(private readonly ledger: Pick<LedgerService, 'findAccount'>) {}

  async custodyBalance(tx: Tx, walletId: string, asset: AssetCode): Promise<bigint> {
    const a = await this.ledger.findAccount({ clientId: HOUSE, ownerId: walletId, asset, kind: 'custody' }, tx);
    return a ? a.debitsPosted - a.creditsPosted - a.creditsPending : 0n;
  }

  async outflows(tx: Tx, owner: string, asset: AssetCode, since: Date): Promise<Outflow[]> {
    const rows = await tx.query<{ amount: string; at: Date | string }>(
      `SELECT w.amount::text AS amount, w.updated_at AS at
         FROM withdrawals.withdrawals w
         JOIN withdrawals.batches b ON b.id = w.batch_id
         JOIN wallets.wallets ww ON ww.id = b.wallet_id
        WHERE w.status = 'settled' AND w.asset = $1 AND ww.tier = 'hot'
          AND COALESCE(ww.client_id, $2) = $3 AND w.updated_at > $4
        ORDER BY w.updated_at`,
      [asset, OPERATOR_OWNER, owner, since],
    );
    return rows.map((r) => ({ at: new Date(r.at), amount: BigInt(r.amount) }));
  }
}
