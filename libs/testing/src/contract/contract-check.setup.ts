import { ResponseContract, type ContractViolation } from './response-contract';

// Every answer the integration suites receive from a Strongroom API is checked against the OpenAPI
// document that API serves (its /docs-json): a route answering a status or body its document does
// not describe fails the test that saw it, so the documents cannot drift from the code.
const original = globalThis.fetch;
const contracts = new Map<string, Promise<ResponseContract | null>>();

function contractOf(origin: string): Promise<ResponseContract | null> {
  let c = contracts.get(origin);
  if (!c) {
    c = original(`${origin}/docs-json`)
      .then(async (r) => {
        const doc = (r.ok ? await r.json() : null) as { openapi?: string; paths?: object } | null;
        return doc?.openapi?.startsWith('3.1') && doc.paths ? new ResponseContract(doc as never) : null;
      })
      .catch(() => null);
    contracts.set(origin, c);
  }
  return c;
}

export class ContractViolationError extends Error {
  constructor(readonly violation: ContractViolation) {
    super(`${violation.method} ${violation.path} → ${violation.status}: ${violation.problem}`);
  }
}

globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const url = new URL(input instanceof Request ? input.url : String(input));
  const response = await original(input, init);
  if (url.pathname.startsWith('/docs') || !['http:', 'https:'].includes(url.protocol)) return response;
  const contract = await contractOf(url.origin);
  if (!contract) return response;
  const body = await response.clone().text();
  const violation = contract.check(
    method,
    url.pathname,
    response.status,
    response.headers.get('content-type') ?? '',
    body,
  );
  if (violation) throw new ContractViolationError(violation);
  return response;
};
