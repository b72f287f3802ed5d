import type { ContextDescriptor } from '@strongroom/persistence';
import { authContext } from '@strongroom/api-auth';
import { LedgerInit1763800000000 } from './migrations/ledger-init.migration';
import { LedgerSequenceAfterCommit1795341300000 } from './migrations/ledger-sequence-after-commit.migration';

/** The `ledger` schema. Its HTTP API sits behind the API-key guard and dual control (`auth`). */
export const ledgerContext: ContextDescriptor = {
  name: 'ledger',
  schema: 'ledger',
  migrations: [LedgerInit1763800000000, LedgerSequenceAfterCommit1795341300000],
  dependsOn: [authContext],
};
