import { ensureClient } from '@strongroom/api-auth';
import { AuditLog } from '@strongroom/audit';
import { bitcoinNetwork, type BitcoinAdapter } from '@strongroom/chains-bitcoin';
import {
  CustodyWallets,
  DepositAddresses,
  DepositFollower,
  toChainWallet,
  type CustodyWalletRecord,
} from '@strongroom/deposits';
import { enqueue } from '@strongroom/events';
import { LedgerService } from '@strongroom/ledger';
import { AssetRegistry } from '@strongroom/shared-assets';
import { describeEachBackend } from '@strongroom/testing';
import {
  createPipelineDeps,
  OPEN_POLICY,
  PipelineRunner,
  WithdrawalService,
  type SignerDeps,
} from '@strongroom/withdrawals';
import { Transaction, address as baddress } from 'bitcoinjs-lib';
import { complianceContext } from '../index';
import type { ReconciliationService } from '../reconciliation/reconciliation.service';
import type { SegregationService } from '../segregation/segregation.service';
import type { SnapshotService } from '../snapshot/snapshot.service';
import { issueAndPay, useRegtestCustody, type ComplianceServices } from '../testing/regtest-custody';
import type { CustodyHoldings } from './custody-holdings';

/**
 * A segregated client's withdrawals through the real withdrawal pipeline (batcher, KMS signing,
 * broadcast, confirmation, settlement) on regtest, with the wallet directory answering from the
 * deposits context's custody wallets (the same choice deposits make): its coins never leave its
 * own wallet, reconciliation stays balanced while batches are mined but not settled, and its
 * report is right after the withdrawal.
 */
const BTC = 100_000_000n;
const CONFIRMATIONS = 2;
const FEE = 10_000n;

const regtest = useRegtestCustody();
const { node, adapter, sign } = regtest;

describeEachBackend(
  'segregated client withdrawals on regtest',
  {
    contexts: [complianceContext],
  },
  (ctx) => {
    const assets = new AssetRegistry().withAssets([{ code: 'BTC', confirmations: CONFIRMATIONS }]);
    const suffix = Math.random().toString(36).slice(2, 8);
    const [shared, segregated] = [`acme${suffix}`, `seg${suffix}`];
    let ledger: LedgerService;
    let wallets: CustodyWallets;
    let follower: DepositFollower;
    let chain: BitcoinAdapter;
    let deps: SignerDeps;
    let runner: PipelineRunner;
    let snapshots: SnapshotService;
    let reconciliations: ReconciliationService;
    let segregation: SegregationService;
    let holdings: CustodyHoldings;
    let pool: CustodyWalletRecord;
    let own: CustodyWalletRecord;
    const addr: Record<string, string> = {};

    const outside = (i: number) => baddress.toBech32(Buffer.alloc(20, i), 0, bitcoinNetwork('regtest').bech32);

    beforeAll(async () => {
      const { db } = ctx();
      let services: ComplianceServices;
      let addresses: DepositAddresses;
      ({ ledger, wallets, pool, own, addresses, services } = await regtest.custody(db, assets, suffix, segregated));
      ({ snapshots, holdings, reconciliations, segregation } = services);
      // One adapter for the follower and the pipeline, as in the custody app: it also watches change.
      chain = adapter();
      for (const w of [pool, own]) {
        const c = chain.changeAddress(toChainWallet(w));
        chain.watch([{ address: c.address, script: c.locator, derivation: c.derivation, ref: `change:${w.id}` }]);
      }
      follower = new DepositFollower({ db, adapter: chain, assets, ledger, startHeight: node().height() + 1 });
      deps = createPipelineDeps({
        db,
        ledger,
        audit: new AuditLog(db),
        outbox: { enqueue: (tx, e) => enqueue(tx, e) },
        // The deposits context's choice: the client's own wallet if it has one, else the operator's.
        wallets: {
          walletFor: async (c, clientId) =>
            toChainWallet(await db.transaction((tx) => wallets.forClient(tx, c, clientId))),
        },
        signer: { sign: (_walletId, publicKey, digest) => sign(publicKey, digest) },
        adapters: [chain],
        assets,
      });
      runner = new PipelineRunner(deps, {
        chains: [
          { chain: 'bitcoin', batchMaxSize: 10, batchMaxAgeMs: 0, leaseMs: 30_000, confirmations: CONFIRMATIONS },
        ],
        onError: (e) => errors.push(String(e)),
      });

      const issued = await issueAndPay(node(), addresses, [
        [shared, 'alice', 1n * BTC],
        [segregated, 'carol', 2n * BTC],
      ]);
      Object.assign(addr, issued);
      await node().mine(CONFIRMATIONS);
      await follower.syncToTip();
    });

    const heldBy = async (walletId: string, snapshotId: string) => {
      const tip = (await snapshots.get(snapshotId)).chainTips[0];
      return (await holdings.holdings('BTC', tip))
        .filter((h) => h.walletId === walletId)
        .reduce((s, h) => s + h.amount, 0n);
    };

    const errors: string[] = [];
    let ownBatch: { id: string; wallet_id: string; txid: string; status: string; network_fee: string };
    let poolBatch: typeof ownBatch;
    let mined: string;
    let service: WithdrawalService;
    let carolOut: string;
    let aliceOut: string;

    it("pays a segregated client's withdrawal only from its own wallet; balanced while the batches are mined but not confirmed", async () => {
      const before = await snapshots.take('auditor:test');
      expect((await reconciliations.reconcile(before.id)).status).toBe('balanced');
      expect([await heldBy(own.id, before.id), await heldBy(pool.id, before.id)]).toEqual([2n * BTC, 1n * BTC]);

      service = new WithdrawalService(deps);
      const actor = { keyId: 'backend-test', role: 'backend' };
      // A withdrawal fee above the network fee: it stays in custody, so paying the network fee never eats into what users are owed.
      // Withdrawals are for registered clients only.
      for (const id of [shared, segregated])
        await ensureClient(ctx().db, { id, name: id, custody: id === segregated ? 'segregated' : 'pooled' });
      await deps.policies.put({ keyId: 'admin-test', role: 'admin' }, 'BTC', '*', {
        ...OPEN_POLICY,
        withdrawalFee: FEE,
      });
      aliceOut = (
        await service.request(actor, 'alice-1', {
          clientId: shared,
          userId: 'alice',
          asset: 'BTC',
          amount: String((3n * BTC) / 10n),
          destination: outside(2),
        })
      ).withdrawal.id;
      carolOut = (
        await service.request(actor, 'carol-1', {
          clientId: segregated,
          userId: 'carol',
          asset: 'BTC',
          amount: String(BTC / 2n),
          destination: outside(1),
        })
      ).withdrawal.id;
      await runner.tick();
      const batches = await ctx().db.query<typeof ownBatch>(
        `SELECT id, wallet_id, txid, status, network_fee::text FROM withdrawals.batches ORDER BY wallet_id`,
      );
      expect(batches.map((b) => [b.wallet_id, b.status]).sort()).toEqual(
        [
          [pool.id, 'broadcast'],
          [own.id, 'broadcast'],
        ].sort(),
      );
      ownBatch = batches.find((b) => b.wallet_id === own.id)!;
      poolBatch = batches.find((b) => b.wallet_id === pool.id)!;

      // On chain: the segregated batch spends only the segregated wallet's coins and returns change to it.
      const ownTx = Transaction.fromHex(await node().rpc<string>('getrawtransaction', [ownBatch.txid, 0]));
      const spent = ownTx.ins.map((i) => `${Buffer.from(i.hash).reverse().toString('hex')}:${i.index}`);
      const [carolDeposit] = await ctx().db.query<{ txid: string; output_index: string }>(
        `SELECT txid, output_index FROM deposits.deposits WHERE address = $1`,
        [addr.carol],
      );
      expect(spent).toEqual([`${carolDeposit.txid}:${carolDeposit.output_index}`]);
      const paidTo = ownTx.outs.map((o) => baddress.fromOutputScript(o.script, bitcoinNetwork('regtest')));
      expect(paidTo.sort()).toEqual([outside(1), chain.changeAddress(toChainWallet(own)).address].sort());

      // Mined, not yet deep enough for the confirmer: the chain has moved, the ledger has not.
      await node().mine(1);
      await follower.syncToTip();
      mined = (await snapshots.take('auditor:test')).id;
      const midway = await reconciliations.reconcile(mined);
      expect(midway.differences).toEqual([]);
      expect(midway.assets[0]).toMatchObject({
        status: 'balanced',
        outgoing: String((8n * BTC) / 10n + BigInt(ownBatch.network_fee) + BigInt(poolBatch.network_fee)),
      });
      // Each wallet paid exactly its own client's withdrawal and its own network fee.
      expect(await heldBy(own.id, mined)).toBe(2n * BTC - BTC / 2n - BigInt(ownBatch.network_fee));
      expect(await heldBy(pool.id, mined)).toBe(1n * BTC - (3n * BTC) / 10n - BigInt(poolBatch.network_fee));
    });

    it('after confirmation both batches settle against their own wallets; reconciliation stays balanced', async () => {
      await node().mine(CONFIRMATIONS);
      await follower.syncToTip();
      await runner.tick();
      await runner.tick();
      expect((await service.get(aliceOut)).status).toBe('settled');
      expect((await service.get(carolOut)).status).toBe('settled');
      expect(errors).toEqual([]);

      // The midway snapshot again: both batches settled after its cut, so both are still outgoing for it.
      expect((await reconciliations.reconcile(mined)).status).toBe('balanced');
      const rec = await reconciliations.reconcile((await snapshots.take('auditor:test')).id);
      expect(rec.differences).toEqual([]);
      // Each settled batch's withdrawal fee minus its network fee is the operator's surplus.
      expect(rec.assets[0]).toMatchObject({
        status: 'balanced',
        outgoing: '0',
        coverage: String(2n * FEE - BigInt(poolBatch.network_fee) - BigInt(ownBatch.network_fee)),
      });
    });

    it("reports the segregated client's holdings right after its withdrawal (holdings = balances + withdrawal fee - network fee)", async () => {
      const after = await snapshots.take('auditor:test');
      expect((await reconciliations.reconcile(after.id)).status).toBe('balanced');
      const held = 2n * BTC - BTC / 2n - BigInt(ownBatch.network_fee);
      const report = await segregation.report(after.id, segregated);
      expect(report.lines).toEqual([
        {
          asset: 'BTC',
          balances: String(2n * BTC - BTC / 2n - FEE),
          holdings: String(held),
          covered: true,
          addresses: [
            { address: chain.changeAddress(toChainWallet(own)).address, amount: String(held), walletId: own.id },
          ],
        },
      ]);
    });
  },
);
