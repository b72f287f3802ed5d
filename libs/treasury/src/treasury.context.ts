import { authContext } from '@strongroom/api-auth';
import { auditContext } from '@strongroom/audit';
import { ledgerContext } from '@strongroom/ledger';
import type { ContextDescriptor } from '@strongroom/persistence';
import { walletsContext } from '@strongroom/wallets';
import { withdrawalsContext } from '@strongroom/withdrawals';
import { TreasuryInit1796100000000 } from './migrations/treasury-init.migration';

/**
 * The `treasury` schema. Readings read the ledger's custody accounts (through LedgerService) and
 * settled withdrawals (`withdrawals` tables, read only); wallets come from the wallet directory;
 * decisions are audited; policy changes go through dual control (`auth`).
 */
export const treasuryContext: ContextDescriptor = {
  name: 'treasury',
  schema: 'treasury',
  migrations: [TreasuryInit1796100000000],
  dependsOn: [walletsContext, ledgerContext, withdrawalsContext, auditContext, authContext],
};
