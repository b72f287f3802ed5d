import { WithdrawalsInit1763900000000 } from './withdrawals-init.migration';

export const withdrawalsMigrations = [WithdrawalsInit1763900000000];
