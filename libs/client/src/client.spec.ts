import { createStrongroomClient, IDEMPOTENT_OPERATIONS, type StrongroomClient } from './index';

const creds = { keyId: 'srk_00112233445566778899aabb', secret: 'srs_s' };

// Compiled by `tsc`, never sent: the generated types make the calls typed.
export async function typedCalls(sr: StrongroomClient): Promise<string> {
  const body = { clientId: 'ex', userId: 'u-1', asset: 'BTC', amount: '40000000', destination: 'bcrt1q' };
  const { data } = await sr.withdrawals.POST('/v1/withdrawals', { body });
  // @ts-expect-error amounts are strings of base units, never numbers
  await sr.withdrawals.POST('/v1/withdrawals', { body: { ...body, amount: 40000000 } });
  // @ts-expect-error not an operation of the deposits API
  await sr.deposits.GET('/v1/withdrawals');
  return data?.amount ?? '';
}

describe('createStrongroomClient', () => {
  it('gives each API its own base URL and the idempotent operations its document declares', async () => {
    const urls: string[] = [];
    const sr = createStrongroomClient({
      credentials: creds,
      baseUrls: {
        ledger: 'http://ledger.test',
        deposits: 'http://deposits.test/',
        withdrawals: 'http://withdrawals.test',
      },
      retry: { maxAttempts: 1 },
      fetch: async (request) => {
        urls.push(`${request.method} ${request.url} ${request.headers.get('idempotency-key') ? 'key' : 'no-key'}`);
        return Response.json({ data: [], nextCursor: null });
      },
    });
    await sr.ledger.GET('/v1/accounts/{id}', { params: { path: { id: 'acc 1' } } });
    await sr.deposits.GET('/v1/incidents');
    await sr.withdrawals.POST('/v1/withdrawals', {
      body: { clientId: 'ex', userId: 'u-1', asset: 'BTC', amount: '1', destination: 'bcrt1q' },
    });
    expect(urls).toEqual([
      'GET http://ledger.test/v1/accounts/acc%201 no-key',
      'GET http://deposits.test/v1/incidents no-key',
      'POST http://withdrawals.test/v1/withdrawals key',
    ]);
    expect(IDEMPOTENT_OPERATIONS.withdrawals).toContain('POST /v1/withdrawals');
  });
});
