import { WithdrawalsInit1763900000000 } from './withdrawals-init.migration';
import { WithdrawalsSweeps1764100000000 } from './withdrawals-sweeps.migration';

export const withdrawalsMigrations = [WithdrawalsInit1763900000000, WithdrawalsSweeps1764100000000];
