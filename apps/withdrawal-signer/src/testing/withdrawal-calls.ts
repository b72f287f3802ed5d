// Test fixture: what the exchange backend asks a test app about withdrawals and user balances.
import type { Withdrawal } from '@strongroom/withdrawals';
import type { WithdrawalTestApp } from './withdrawal-test-app';

/** POST /v1/withdrawals as the backend, whatever the answer. */
export function postWithdrawal(
  t: WithdrawalTestApp,
  body: Record<string, unknown>,
  idempotencyKey: string,
): Promise<Response> {
  return t.call(t.keys.backend, 'POST', '/v1/withdrawals', body, { 'Idempotency-Key': idempotencyKey });
}

/** POST /v1/withdrawals as the backend; any answer but 201 fails the caller with the answer. */
export async function requestWithdrawal(
  t: WithdrawalTestApp,
  body: Record<string, unknown>,
  idempotencyKey: string,
): Promise<Withdrawal> {
  const res = await postWithdrawal(t, body, idempotencyKey);
  if (res.status !== 201) throw new Error(`request failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Withdrawal;
}

/** GET /v1/withdrawals/:id as the backend. */
export async function getWithdrawal(t: WithdrawalTestApp, id: string): Promise<Withdrawal> {
  return (await (await t.call(t.keys.backend, 'GET', `/v1/withdrawals/${id}`)).json()) as Withdrawal;
}

/** What a user can spend (posted credits − posted debits − pending debits) and what is held. */
export async function userBalance(
  t: WithdrawalTestApp,
  accountId: string,
): Promise<{ available: bigint; held: bigint }> {
  const b = await t.ledger.balances(accountId);
  return { available: b.creditsPosted - b.debitsPosted - b.debitsPending, held: b.debitsPending };
}
