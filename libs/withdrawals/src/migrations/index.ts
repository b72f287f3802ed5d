import { WithdrawalsInit1763900000000 } from './withdrawals-init.migration';
import { WithdrawalsLeastPrivilege1764740000000 } from './withdrawals-least-privilege.migration';
import { WithdrawalsNonceFills1764200000000 } from './withdrawals-nonce-fills.migration';
import { WithdrawalsOutpointReservations1764731000000 } from './withdrawals-outpoint-reservations.migration';
import { WithdrawalsSweeps1764100000000 } from './withdrawals-sweeps.migration';

export const withdrawalsMigrations = [
  WithdrawalsInit1763900000000,
  WithdrawalsSweeps1764100000000,
  WithdrawalsNonceFills1764200000000,
  WithdrawalsOutpointReservations1764731000000,
  WithdrawalsLeastPrivilege1764740000000,
];
