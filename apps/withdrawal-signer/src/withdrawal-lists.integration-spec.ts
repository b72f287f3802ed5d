import { createApiKey, type ApiCredentials } from '@strongroom/api-auth';
import { encodeCursor } from '@strongroom/shared-http';
import { testBackends } from '@strongroom/testing';
import { ScriptedChainAdapter, type Withdrawal } from '@strongroom/withdrawals';
import { btcAddress } from './testing/fixtures';
import { problemOf, startWithdrawalTestApp, type WithdrawalTestApp } from './testing/withdrawal-test-app';
import { requestWithdrawal } from './testing/withdrawal-calls';

const BTC = 100_000_000n;

/** Every list the withdrawal signer serves (besides the dual-control and webhook ones of other contexts). */
const LISTS = [
  '/v1/withdrawals',
  '/v1/approvals',
  '/v1/withdrawal-policies',
  '/v1/withdrawal-policies/changes',
  '/v1/sweeps',
  '/v1/solvency/breakers',
  '/v1/solvency/incidents',
];

// Lists answer one shape, `{ data, nextCursor }`, in a documented order, a page at a time with
// opaque cursors; what a scoped key may not see is left out in the query, so its pages are full.
for (const backend of testBackends()) {
  describe(`withdrawal signer lists [${backend}]`, () => {
    let t: WithdrawalTestApp;
    let n = 0;

    /** Every item of a list, read `limit` at a time by following `nextCursor`. */
    async function walk<T>(who: ApiCredentials, path: string, limit: number): Promise<T[]> {
      const items: T[] = [];
      let cursor: string | null = null;
      const sep = path.includes('?') ? '&' : '?';
      do {
        const res = await t.call(who, 'GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        const page = (await res.json()) as { data: T[]; nextCursor: string | null };
        expect(page.data.length).toBeLessThanOrEqual(limit);
        items.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    }

    const awaiting = async (clientId: string): Promise<Withdrawal> => {
      const w = await requestWithdrawal(
        t,
        { clientId, userId: 'u1', asset: 'BTC', amount: '1000000', destination: btcAddress(60 + ++n) },
        `list-${n}`,
      );
      expect(w.status).toBe('awaiting_approval');
      return w;
    };

    beforeAll(async () => {
      t = await startWithdrawalTestApp(backend, [
        new ScriptedChainAdapter('bitcoin'),
        new ScriptedChainAdapter('ethereum'),
      ]);
      for (const clientId of ['flow', 'race']) {
        await t.setPolicy('BTC', clientId, { approvalThreshold: 1n, approvalsRequired: 1 });
        await t.fund(clientId, 'u1', 'BTC', BTC);
      }
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers every list as {data, nextCursor} and refuses a cursor it did not return', async () => {
      const forged = [
        'not*a*cursor',
        encodeCursor('9223372036854775808'), // one above int8: must not reach the database as a number
        encodeCursor({ seq: '1' }),
        Buffer.from('12').toString('base64url'), // a bare sequence, as cursors once were
      ];
      for (const path of LISTS) {
        const first = await t.call(t.keys.admin, 'GET', path);
        expect([path, first.status]).toEqual([path, 200]);
        const body = (await first.json()) as Record<string, unknown>;
        expect([path, Object.keys(body).sort(), Array.isArray(body.data)]).toEqual([
          path,
          ['data', 'nextCursor'],
          true,
        ]);
        for (const cursor of forged) {
          const r = await t.call(t.keys.admin, 'GET', `${path}?cursor=${encodeURIComponent(cursor)}`);
          expect([path, cursor, r.status, (await problemOf(r)).code]).toEqual([
            path,
            cursor,
            400,
            'request.invalid_cursor',
          ]);
        }
        for (const limit of ['0', '501', 'x']) {
          const r = await t.call(t.keys.admin, 'GET', `${path}?limit=${limit}`);
          expect([path, limit, (await problemOf(r)).code]).toEqual([path, limit, 'request.invalid']);
        }
      }
    });

    it('pages the approval queue oldest first within the key’s scope, full even when other clients’ wait before', async () => {
      const flow = [await awaiting('flow'), await awaiting('flow'), await awaiting('flow')];
      const race = [await awaiting('race'), await awaiting('race')];
      const raceApprover = await createApiKey(t.tdb.db, {
        name: 'race approver',
        role: 'approver',
        owner: 'ravi',
        clients: ['race'],
      });
      // The first page of one holds race's oldest, though three of flow's are older still.
      const first = (await (await t.call(raceApprover, 'GET', '/v1/approvals?limit=1')).json()) as {
        data: Withdrawal[];
      };
      expect(first.data.map((w) => w.id)).toEqual([race[0].id]);
      expect((await walk<Withdrawal>(raceApprover, '/v1/approvals', 1)).map((w) => w.id)).toEqual(
        race.map((w) => w.id),
      );
      expect((await walk<Withdrawal>(t.keys.approver1, '/v1/approvals', 2)).map((w) => w.id)).toEqual(
        [...flow, ...race].map((w) => w.id),
      );
    });

    it('pages policies by asset and client, and their change log oldest first, within the key’s scope', async () => {
      const raceAuditor = await createApiKey(t.tdb.db, { name: 'race auditor', role: 'auditor', clients: ['race'] });
      const expected = await t.tdb.db.query<{ asset: string; client_id: string }>(
        `SELECT asset, client_id FROM withdrawals.policies WHERE client_id IN ('*', 'race') ORDER BY asset, client_id`,
      );
      expect(expected.map((p) => p.client_id)).toContain('race');
      const policies = await walk<{ asset: string; clientId: string }>(raceAuditor, '/v1/withdrawal-policies', 1);
      expect(policies.map((p) => `${p.asset}/${p.clientId}`)).toEqual(expected.map((p) => `${p.asset}/${p.client_id}`));
      // Every reader sees the overrides of its own clients only.
      const all = await walk<{ clientId: string }>(t.keys.auditor, '/v1/withdrawal-policies?asset=BTC', 2);
      expect(all.map((p) => p.clientId)).toEqual(['*', 'flow', 'race']);

      const logged = await t.tdb.db.query<{ id: string }>(
        `SELECT id::text AS id FROM withdrawals.policy_changes WHERE client_id IN ('*', 'race') ORDER BY id`,
      );
      const changes = await walk<{ id: string; clientId: string }>(raceAuditor, '/v1/withdrawal-policies/changes', 2);
      expect(changes.map((c) => c.id)).toEqual(logged.map((c) => c.id));
      expect(changes.filter((c) => c.clientId === 'flow')).toEqual([]);
    });
  });
}
