import createClient, { type Client } from 'openapi-fetch';
import { IDEMPOTENT_OPERATIONS } from './generated/idempotent-operations';
import type { paths as DepositsPaths } from './generated/deposits';
import type { paths as LedgerPaths } from './generated/ledger';
import type { paths as WithdrawalsPaths } from './generated/withdrawals';
import { idempotencyKeys } from './http/idempotency';
import { retryPolicy, type RetryOptions } from './http/retry-policy';
import { signedFetch } from './http/signed-fetch';
import { RequestSigner, type StrongroomCredentials } from './signing/request-signature';

/** What every API client of one key shares. */
export interface StrongroomClientOptions {
  credentials: StrongroomCredentials;
  retry?: RetryOptions;
  /** Headers sent with every request (not signed: the signature covers method, path, query and body). */
  headers?: Record<string, string>;
  /** The transport (default: the global fetch), e.g. one with a proxy agent or timeouts. */
  fetch?: (request: Request) => Promise<Response>;
}

export interface ApiClientOptions extends StrongroomClientOptions {
  /** Where the API is served, e.g. `https://custody.example/` (the signature covers the path after it). */
  baseUrl: string;
  /** Operations (`POST /v1/withdrawals`) that take an Idempotency-Key; IDEMPOTENT_OPERATIONS lists those of the three APIs. */
  idempotentOperations?: Iterable<string>;
}

/**
 * An openapi-fetch client for one API whose requests are signed with the key, retried where that
 * is safe, and given an Idempotency-Key where the operation takes one.
 */
export function createApiClient<Paths extends object>(options: ApiClientOptions): Client<Paths> {
  const client = createClient<Paths>({
    baseUrl: options.baseUrl,
    headers: options.headers,
    fetch: signedFetch({
      signer: new RequestSigner(options.credentials),
      retry: retryPolicy(options.retry),
      fetch: options.fetch,
    }),
  });
  client.use(idempotencyKeys(options.idempotentOperations ?? []));
  return client;
}

/** Base URLs of the three APIs (the embedded default serves them on three ports). */
export interface StrongroomBaseUrls {
  ledger: string;
  deposits: string;
  withdrawals: string;
}

/** One typed client per API, from the OpenAPI documents (docs/openapi). */
export interface StrongroomClient {
  ledger: Client<LedgerPaths>;
  deposits: Client<DepositsPaths>;
  withdrawals: Client<WithdrawalsPaths>;
}

/** The three API clients for one key, each giving an Idempotency-Key to the operations that take one. */
export function createStrongroomClient(
  options: StrongroomClientOptions & { baseUrls: StrongroomBaseUrls },
): StrongroomClient {
  const { baseUrls, ...common } = options;
  return {
    ledger: createApiClient<LedgerPaths>({
      ...common,
      baseUrl: baseUrls.ledger,
      idempotentOperations: IDEMPOTENT_OPERATIONS.ledger,
    }),
    deposits: createApiClient<DepositsPaths>({
      ...common,
      baseUrl: baseUrls.deposits,
      idempotentOperations: IDEMPOTENT_OPERATIONS.deposits,
    }),
    withdrawals: createApiClient<WithdrawalsPaths>({
      ...common,
      baseUrl: baseUrls.withdrawals,
      idempotentOperations: IDEMPOTENT_OPERATIONS.withdrawals,
    }),
  };
}
