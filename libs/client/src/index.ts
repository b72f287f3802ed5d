export * from './client';
export * from './generated/idempotent-operations';
export * from './http/idempotency';
export * from './http/retry-policy';
export * from './http/signed-fetch';
export * from './pagination';
export * from './problem-error';
export * from './signing/request-signature';
export * from './webhooks/verify-webhook';
export type { Client, Middleware } from 'openapi-fetch';
export type {
  components as LedgerComponents,
  operations as LedgerOperations,
  paths as LedgerPaths,
} from './generated/ledger';
export type {
  components as DepositsComponents,
  operations as DepositsOperations,
  paths as DepositsPaths,
} from './generated/deposits';
export type {
  components as WithdrawalsComponents,
  operations as WithdrawalsOperations,
  paths as WithdrawalsPaths,
} from './generated/withdrawals';
