import { authContext } from '@strongroom/api-auth';
import { auditContext } from '@strongroom/audit';
import { complianceContext } from '@strongroom/compliance';
import { depositsContext } from '@strongroom/deposits';
import { eventsContext } from '@strongroom/events';
import { keysContext } from '@strongroom/keys';
import { ledgerContext } from '@strongroom/ledger';
import type { ContextDescriptor } from '@strongroom/persistence';
import { treasuryContext } from '@strongroom/treasury';
import { walletsContext } from '@strongroom/wallets';
import { withdrawalsContext } from '@strongroom/withdrawals';

/**
 * Every context of Strongroom: the schemas `npm run migrate` applies and the embedded custody app
 * runs on. Order does not matter (composeContexts orders them); a new context is added here.
 */
export const ALL_CONTEXTS: readonly ContextDescriptor[] = [
  ledgerContext,
  authContext,
  auditContext,
  eventsContext,
  keysContext,
  depositsContext,
  withdrawalsContext,
  complianceContext,
  walletsContext,
  treasuryContext,
];
