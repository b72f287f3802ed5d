import type { Page } from '../pagination';
import type { Problem } from '../problem-error';

/** What the loopback test server lists and accepts. */
export interface Withdrawal {
  id: string;
  clientId: string;
  amount: string;
}

export interface WithdrawalRequest {
  clientId: string;
  userId: string;
  asset: string;
  amount: string;
  address: string;
}

type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type Refusal = { headers: { [name: string]: unknown }; content: { 'application/problem+json': Problem } };
type Get<Query, T> = {
  parameters: { query?: Query; header?: never; path?: never; cookie?: never };
  requestBody?: never;
  responses: { 200: Json<T>; default: Refusal };
};
type Post<Body, T> = {
  parameters: { query?: never; header?: { 'Idempotency-Key'?: string }; path?: never; cookie?: never };
  requestBody: { content: { 'application/json': Body } };
  responses: { 201: Json<T>; default: Refusal };
};
type Method<M extends string, O> = [O] extends [never] ? { [K in M]?: never } : { [K in M]: O };
type Route<G, P = never> = Method<'get', G> &
  Method<'post', P> & { put?: never; delete?: never; options?: never; head?: never; patch?: never; trace?: never };
type ListQuery = { clientId?: string; limit?: number; cursor?: string };

/** The shape openapi-typescript gives an OpenAPI document's `paths`, for the test server's routes. */
export interface TestPaths {
  '/v1/withdrawals': Route<
    Get<ListQuery, Page<Withdrawal>>,
    Post<WithdrawalRequest, Withdrawal & { idempotencyKey: string }>
  >;
  '/v1/payouts': Route<never, Post<WithdrawalRequest, Withdrawal & { idempotencyKey: string }>>;
  '/v1/transfers': Route<never, Post<{ amount: string }, { id: string }>>;
  '/v1/drop-post': Route<never, Post<{ amount: string }, { id: string }>>;
  '/v1/rate-limited': Route<Get<never, { ok: true }>>;
  '/v1/recovering': Route<Get<never, { ok: true }>>;
  '/v1/unavailable': Route<Get<never, { ok: true }>>;
  '/v1/drop': Route<Get<never, { ok: true }>>;
  '/v1/long-wait': Route<Get<never, { ok: true }>>;
  '/v1/refused': Route<Get<never, { ok: true }>>;
  '/v1/html-502': Route<Get<never, { ok: true }>>;
  '/v1/loop': Route<Get<ListQuery, Page<Withdrawal>>>;
  '/v1/broken-list': Route<Get<ListQuery, Page<Withdrawal>>>;
}
