import { authContext } from '@strongroom/api-auth';
import { auditContext } from '@strongroom/audit';
import { eventsContext } from '@strongroom/events';
import { ledgerContext } from '@strongroom/ledger';
import type { ContextDescriptor } from '@strongroom/persistence';
import { DepositsInit1795330100000 } from './migrations/deposits-init.migration';
import { DepositsVanished1795330200000 } from './migrations/deposits-vanished.migration';
import { DepositsWalletDirectory1795330300000 } from './migrations/deposits-wallet-directory.migration';
import { walletsContext } from '@strongroom/wallets';

/**
 * The `deposits` schema. A credit is booked in the ledger, audited and put in the outbox in the
 * transaction that records the deposit; the HTTP API sits behind the API-key guard.
 */
export const depositsContext: ContextDescriptor = {
  name: 'deposits',
  schema: 'deposits',
  migrations: [DepositsInit1795330100000, DepositsVanished1795330200000, DepositsWalletDirectory1795330300000],
  dependsOn: [walletsContext, ledgerContext, eventsContext, auditContext, authContext],
};
