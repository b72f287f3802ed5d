import { randomUUID } from 'node:crypto';
import { DepositFollower, toChainWallet, type CustodyWalletRecord, type DepositAddresses } from '@strongroom/deposits';
import type { LedgerService } from '@strongroom/ledger';
import { AssetRegistry } from '@strongroom/shared-assets';
import { metricsRegistry } from '@strongroom/shared-http';
import { describeEachBackend } from '@strongroom/testing';
import { complianceContext } from '../index';
import type { CustodyHoldings } from './custody-holdings';
import type { Reconciliation, ReconciliationService } from '../reconciliation/reconciliation.service';
import type { SegregationService } from '../segregation/segregation.service';
import type { SnapshotService } from '../snapshot/snapshot.service';
import { issueAndPay, useRegtestCustody, type ComplianceServices } from '../testing/regtest-custody';

/**
 * Reconciliation on a real regtest node, with real deposits (addresses, follower, ledger credits),
 * two 2-of-3 custody wallets whose keys live in kms-local (the operator's shared one and one of a
 * segregated client), and the compliance services over the holdings readers of this folder.
 * The tests run in order and share the chain: balanced → ledger-side discrepancies (reverted) →
 * coins moved out of the segregated wallet on chain behind the ledger's back.
 */
const BTC = 100_000_000n;
const CONFIRMATIONS = 2;

const regtest = useRegtestCustody();
const { node, adapter, sign } = regtest;

describeEachBackend(
  'Bitcoin reconciliation and segregation on regtest',
  {
    contexts: [complianceContext],
  },
  (ctx) => {
    const assets = new AssetRegistry().withAssets([{ code: 'BTC', confirmations: CONFIRMATIONS }]);
    const suffix = Math.random().toString(36).slice(2, 8);
    const [shared, segregated] = [`acme${suffix}`, `seg${suffix}`];
    let ledger: LedgerService;
    let addresses: DepositAddresses;
    let follower: DepositFollower;
    let snapshots: SnapshotService;
    let holdings: CustodyHoldings;
    let reconciliations: ReconciliationService;
    let segregation: SegregationService;
    let pool: CustodyWalletRecord;
    let own: CustodyWalletRecord;
    const addr: Record<string, string> = {};
    let firstSnapshot: string;

    const sync = () => follower.syncToTip();
    const reconcileNow = async (): Promise<Reconciliation> =>
      reconciliations.reconcile((await snapshots.take('auditor:test')).id);
    const accountOf = async (clientId: string, ownerId: string, kind: 'user' | 'custody' | 'equity') =>
      (await ledger.findAccount({ clientId, ownerId, asset: 'BTC', kind })) ??
      (await ledger.openAccount({ clientId, ownerId, asset: 'BTC', kind }));
    const transfer = async (debitAccountId: string, creditAccountId: string, amount: bigint) => {
      const [r] = await ledger.createTransfers([
        { id: randomUUID(), debitAccountId, creditAccountId, amount, code: 'test_adjustment' },
      ]);
      expect(r.ok).toBe(true);
    };

    beforeAll(async () => {
      const { db } = ctx();
      let services: ComplianceServices;
      ({ ledger, pool, own, addresses, services } = await regtest.custody(db, assets, suffix, segregated));
      ({ snapshots, holdings, reconciliations, segregation } = services);
      follower = new DepositFollower({ db, adapter: adapter(), assets, ledger, startHeight: node().height() + 1 });

      const issued = await issueAndPay(node(), addresses, [
        [shared, 'alice', 1n * BTC],
        [shared, 'bob', BTC / 2n],
        [shared, 'dave'],
        [segregated, 'carol', 2n * BTC],
      ]);
      Object.assign(addr, issued);
      await node().mine(CONFIRMATIONS);
      await sync();
      // One more deposit, mined but one confirmation short: on chain, not yet owed.
      await node().fund(addr.dave, BTC / 10n);
      await node().mine(CONFIRMATIONS - 1);
      await sync();
    });

    it('deposits credited (and one confirming): balanced, holdings per deposit address with its wallet and client', async () => {
      const { db } = ctx();
      const [wallet] = await db.query<{ wallet_id: string }>(
        `SELECT wallet_id FROM deposits.addresses WHERE address = $1`,
        [addr.carol],
      );
      expect(wallet.wallet_id).toBe(own.id); // the segregated client's user got an address of its own wallet

      const rec = await reconcileNow();
      firstSnapshot = rec.snapshotId;
      expect(rec.differences).toEqual([]);
      expect(rec.status).toBe('balanced');
      expect(rec.assets).toEqual([
        expect.objectContaining({
          asset: 'BTC',
          liabilities: String((35n * BTC) / 10n),
          onChain: String((36n * BTC) / 10n),
          incoming: String(BTC / 10n),
          outgoing: '0',
          coverage: '0',
          ledgerCustody: String((35n * BTC) / 10n),
        }),
      ]);

      const snap = await snapshots.get(rec.snapshotId);
      const report = await segregation.report(snap.id, segregated);
      expect(report).toMatchObject({
        clientId: segregated,
        covered: true,
        lines: [{ asset: 'BTC', balances: String(2n * BTC), holdings: String(2n * BTC), covered: true }],
      });
      expect(report.lines[0].addresses).toEqual([{ address: addr.carol, amount: String(2n * BTC), walletId: own.id }]);
    });

    it('a custody account credited with no chain movement (equity adjustment): discrepancy naming the custody account', async () => {
      const custody = await accountOf('operator', pool.id, 'custody');
      const equity = await accountOf('operator', 'adjustments', 'equity');
      await transfer(custody.id, equity.id, 12_345n);
      const rec = await reconcileNow();
      expect(rec.status).toBe('discrepancy');
      expect(rec.differences).toEqual([
        expect.objectContaining({
          asset: 'BTC',
          kind: 'custody_mismatch',
          amount: '12345',
          accounts: expect.arrayContaining([custody.id]),
          addresses: expect.arrayContaining([addr.alice, addr.carol]),
        }),
      ]);
      await transfer(equity.id, custody.id, 12_345n);
      expect((await reconcileNow()).status).toBe('balanced');
    });

    it('a user credited from custody with no chain movement: shortfall of that amount, incident and metric', async () => {
      const custody = await accountOf('operator', pool.id, 'custody');
      const alice = await accountOf(shared, 'alice', 'user');
      await transfer(custody.id, alice.id, 7_000n);
      const rec = await reconcileNow();
      expect(rec.status).toBe('shortfall');
      expect(rec.differences.map((d) => [d.kind, d.amount])).toEqual([
        ['shortfall', '7000'],
        ['custody_mismatch', '7000'],
      ]);
      expect(rec.differences[0].accounts).toContain(custody.id);
      expect(
        (await reconciliations.incidents()).filter((i) => i.reconciliationId === rec.id).map((i) => i.kind),
      ).toEqual(['reserve_shortfall']);
      expect(await shortfallMetric()).toBe(7000);
      await transfer(alice.id, custody.id, 7_000n);
      expect((await reconcileNow()).status).toBe('balanced');
      expect(await shortfallMetric()).toBe(0);
    });

    it("coins moved out of the segregated wallet on chain without the ledger: shortfall listing its addresses; its report is not covered, the pool's holdings are untouched", async () => {
      // The thief's view: an adapter that knows the segregated wallet's deposit and change scripts.
      const thief = adapter();
      const change = thief.changeAddress(toChainWallet(own));
      const carolScript = (
        await ctx().db.query<{ id: string; address: string; locator: string; derivation: string }>(
          `SELECT id, address, locator, derivation FROM deposits.addresses WHERE address = $1`,
          [addr.carol],
        )
      )[0];
      thief.watch([
        { address: carolScript.address, script: carolScript.locator, derivation: carolScript.derivation, ref: 'carol' },
        { address: change.address, script: change.locator, derivation: change.derivation, ref: 'change' },
      ]);
      const [first] = await ctx().db.query<{ h: number }>(
        `SELECT min(block_height) AS h FROM deposits.deposits WHERE address = $1`,
        [addr.carol],
      );
      for (let h = Number(first.h); h <= node().height(); h++) await thief.block(h);
      const stolen = (7n * BTC) / 10n;
      const unsigned = await thief.buildWithdrawal({
        id: 'theft',
        wallet: toChainWallet(own),
        outputs: [{ ref: 'theft', address: node().faucetAddress, asset: 'BTC', amount: stolen }],
      });
      const signatures = await Promise.all(unsigned.digests.map((d) => sign(d.publicKey, d.digest)));
      await thief.broadcast(await thief.finalize(unsigned, signatures));
      await node().mine(1);
      await sync();

      const rec = await reconcileNow();
      const missing = stolen + unsigned.fee;
      expect(rec.status).toBe('shortfall');
      const shortfall = rec.differences.find((d) => d.kind === 'shortfall')!;
      expect(shortfall.amount).toBe(String(missing));
      expect(shortfall.addresses).toEqual(expect.arrayContaining([change.address, addr.alice, addr.bob, addr.dave]));
      expect(shortfall.addresses).not.toContain(addr.carol); // spent
      expect(rec.differences.find((d) => d.kind === 'custody_mismatch')?.amount).toBe(String(missing));
      expect(
        (await reconciliations.incidents()).some(
          (i) => i.reconciliationId === rec.id && i.kind === 'reserve_shortfall',
        ),
      ).toBe(true);
      expect(await shortfallMetric()).toBe(Number(missing));

      const report = await segregation.report(rec.snapshotId, segregated);
      expect(report.covered).toBe(false);
      expect(report.lines).toEqual([
        {
          asset: 'BTC',
          balances: String(2n * BTC),
          holdings: String(2n * BTC - missing),
          covered: false,
          addresses: [{ address: change.address, amount: String(2n * BTC - missing), walletId: own.id }],
        },
      ]);
      // The shared wallet still holds exactly what its clients are owed (dave's deposit has been credited since).
      const held = await holdings.holdings('BTC', (await snapshots.get(rec.snapshotId)).chainTips[0]);
      const poolHeld = held.filter((h) => h.walletId === pool.id);
      expect(poolHeld.every((h) => h.clientId === null)).toBe(true);
      expect(poolHeld.reduce((s, h) => s + h.amount, 0n)).toBe((16n * BTC) / 10n);
      const owedShared = (await snapshots.balances(rec.snapshotId, null, 100))
        .filter((b) => b.clientId === shared)
        .reduce((s, b) => s + b.balance, 0n);
      expect(owedShared).toBe((16n * BTC) / 10n);
    });

    it('the first snapshot, reconciled again after all that, is still balanced: holdings at its height, deposits credited after its cut', async () => {
      const again = await reconciliations.reconcile(firstSnapshot);
      expect(again.differences).toEqual([]);
      expect(again.status).toBe('balanced');
      expect(again.assets[0]).toMatchObject({
        onChain: String((36n * BTC) / 10n),
        incoming: String(BTC / 10n),
        coverage: '0',
      });
      const report = await segregation.report(firstSnapshot, segregated);
      expect(report.covered).toBe(true);
      expect(report.lines[0].addresses).toEqual([{ address: addr.carol, amount: String(2n * BTC), walletId: own.id }]);
    });
  },
);

async function shortfallMetric(): Promise<number | undefined> {
  const metric = metricsRegistry.getSingleMetric('strongroom_reconciliation_shortfall');
  const values = (await metric?.get())?.values ?? [];
  return values.find((v) => v.labels.asset === 'BTC')?.value;
}
