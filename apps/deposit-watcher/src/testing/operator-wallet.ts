import { CustodyWallets } from '@strongroom/deposits';
import type { Database } from '@strongroom/persistence';

/** The operator's bitcoin wallet 'btc-op', 2-of-3 of fixed keys nothing signs with: enough to derive deposit addresses. */
export async function registerBtcOperatorWallet(db: Database): Promise<void> {
  await new CustodyWallets(db).register({
    id: 'btc-op',
    chain: 'bitcoin',
    clientId: null,
    threshold: 2,
    publicKeys: ['02' + '11'.repeat(32), '03' + '22'.repeat(32), '02' + '33'.repeat(32)],
  });
}
