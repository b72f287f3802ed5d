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

/** The state of the withdrawal's hold on the user's balance (pending, posted or voided). */
export async function holdState(t: WithdrawalTestApp, id: string): Promise<string | undefined> {
  const [hold] = await t.tdb.db.query<{ state: string }>(
    `SELECT state FROM ledger.pending_states WHERE pending_id = $1`,
    [`withdrawal:${id}:hold`],
  );
  return hold?.state;
}

/** What the ledger says the wallet's custody account holds (posted debits − posted credits). */
export async function ledgerCustody(t: WithdrawalTestApp, walletId: string, asset: string): Promise<bigint> {
  const custody = await t.ledger.findAccount({ clientId: 'operator', ownerId: walletId, asset, kind: 'custody' });
  if (!custody) throw new Error(`no ${asset} custody account for wallet ${walletId}`);
  const b = await t.ledger.balances(custody.id);
  return b.debitsPosted - b.creditsPosted;
}

/** The network fee recorded on a batch, in base units. */
export async function batchNetworkFee(t: WithdrawalTestApp, batchId: string | null | undefined): Promise<bigint> {
  const [batch] = await t.tdb.db.query<{ network_fee: string }>(
    `SELECT network_fee::text FROM withdrawals.batches WHERE id = $1`,
    [batchId],
  );
  return BigInt(batch.network_fee);
}
