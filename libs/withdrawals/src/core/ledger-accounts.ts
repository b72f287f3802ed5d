import type { Tx } from '@strongroom/persistence';
import { domainError, type AssetCode, type ChainId } from '@strongroom/shared-types';
import type { LedgerAccountKind, WithdrawalLedger } from '../ports';
import { WithdrawalErrors } from '../withdrawals.errors';

/** The house client id of the operator's own ledger accounts. */
export const OPERATOR = 'operator';

/**
 * Resolves the ledger accounts a withdrawal touches. House accounts (in-flight clearing per chain,
 * custody per wallet, fees) are opened on first use and cached; user accounts must exist already —
 * a withdrawal for a user the ledger does not know is refused.
 */
export class LedgerAccounts {
  private readonly cache = new Map<string, string>();

  constructor(private readonly ledger: WithdrawalLedger) {}

  async user(tx: Tx, clientId: string, userId: string, asset: AssetCode): Promise<string> {
    const a = await this.ledger.findAccount({ clientId, ownerId: userId, asset, kind: 'user' }, tx);
    if (!a)
      throw domainError(
        WithdrawalErrors['user.unknown'],
        `client ${clientId} has no ${asset} account for user ${userId}`,
        {
          clientId,
          userId,
          asset,
        },
      );
    return a.id;
  }

  inFlight(tx: Tx, chain: ChainId, asset: AssetCode): Promise<string> {
    return this.house(tx, 'in_flight', `withdrawals:${chain}`, asset);
  }

  custody(tx: Tx, walletId: string, asset: AssetCode): Promise<string> {
    return this.house(tx, 'custody', walletId, asset);
  }

  feeExpense(tx: Tx, walletId: string, asset: AssetCode): Promise<string> {
    return this.house(tx, 'fee_expense', walletId, asset);
  }

  /**
   * The operator's gas budget behind an Ethereum wallet's relayer. The relayer, not the Safe, pays
   * for gas, so the network fee of an Ethereum batch leaves this account, never custody (custody
   * mirrors what the Safe and deposit addresses hold, which gas does not touch).
   */
  relayerGas(tx: Tx, walletId: string, asset: AssetCode): Promise<string> {
    return this.house(tx, 'equity', `relayer-gas:${walletId}`, asset);
  }

  feeRevenue(tx: Tx, asset: AssetCode): Promise<string> {
    return this.house(tx, 'fee_revenue', 'withdrawal_fees', asset);
  }

  private async house(tx: Tx, kind: LedgerAccountKind, ownerId: string, asset: AssetCode): Promise<string> {
    const key = `${kind}|${ownerId}|${asset}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const q = { clientId: OPERATOR, ownerId, asset, kind };
    const found = await this.ledger.findAccount(q, tx);
    // Only ids that already existed are cached: one opened here dangles if this transaction rolls back.
    if (found) {
      this.cache.set(key, found.id);
      return found.id;
    }
    return (await this.ledger.openAccount(q, tx)).id;
  }
}
