import { authMigrations } from '@strongroom/api-auth';
import { auditMigrations } from '@strongroom/audit';
import { complianceMigrations } from '@strongroom/compliance';
import { depositsMigrations } from '@strongroom/deposits';
import { eventsMigrations } from '@strongroom/events';
import { keysMigrations } from '@strongroom/keys';
import { ledgerMigrations } from '@strongroom/ledger';
import { withdrawalsMigrations } from '@strongroom/withdrawals';

/** Every schema's migrations: what `npm run migrate` and the embedded custody app apply. */
export const allMigrations = [
  ...ledgerMigrations,
  ...authMigrations,
  ...auditMigrations,
  ...eventsMigrations,
  ...keysMigrations,
  ...depositsMigrations,
  ...withdrawalsMigrations,
  ...complianceMigrations,
];
