/**
 * The operations of each API that take an Idempotency-Key header (`METHOD /path/{param}`), so the
 * client gives each call one and may retry it. Kept equal to the OpenAPI documents by
 * `npm run sdk:types`, which reads every operation declaring the header.
 */
export const IDEMPOTENT_OPERATIONS = {
  ledger: [] as string[],
  deposits: [] as string[],
  withdrawals: ['POST /v1/withdrawals'],
} as const satisfies Record<'ledger' | 'deposits' | 'withdrawals', readonly string[]>;
