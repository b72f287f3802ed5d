import { authContext } from '@strongroom/api-auth';
import { auditContext } from '@strongroom/audit';
import { eventsContext } from '@strongroom/events';
import { ledgerContext } from '@strongroom/ledger';
import type { ContextDescriptor } from '@strongroom/persistence';
import { withdrawalsMigrations } from './migrations';
import { WithdrawalsAnchors1764900000000 } from './migrations/withdrawals-anchors.migration';

/**
 * The `withdrawals` schema. The solvency gate reads `ledger` tables; holds, audit records and
 * outbox events are written through ports in the pipeline's own transactions (same database);
 * policies and breakers change by dual control (`auth`).
 */
export const withdrawalsContext: ContextDescriptor = {
  name: 'withdrawals',
  schema: 'withdrawals',
  // The anchors migration is listed here (not in migrations/index.ts) to keep that list's owners apart.
  migrations: [...withdrawalsMigrations, WithdrawalsAnchors1764900000000],
  dependsOn: [ledgerContext, authContext, auditContext, eventsContext],
};
