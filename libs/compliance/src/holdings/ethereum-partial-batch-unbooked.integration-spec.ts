import { ensureClient } from '@strongroom/api-auth';
import { AuditLog } from '@strongroom/audit';
import { EthereumAdapter, setupEthereumCustody, type EthereumCustody } from '@strongroom/chains-ethereum';
import { enqueue } from '@strongroom/events';
import { KmsSigner } from '@strongroom/keys';
import { LedgerCutReader, LedgerService } from '@strongroom/ledger';
import { AssetRegistry } from '@strongroom/shared-assets';
import { describeEachBackend } from '@strongroom/testing';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import {
  createPipelineDeps,
  OPEN_POLICY,
  OPERATOR,
  PipelineRunner,
  WithdrawalService,
  type SignerDeps,
} from '@strongroom/withdrawals';
import { Wallet } from 'ethers';
import { complianceContext } from '../index';
import type { ChainTip } from '../ports';
import { LedgerUnbooked } from './unbooked-movements';

/**
 * A batch that is mined but not yet deep enough for the confirmer, in which one ERC-20 transfer
 * returned false (the Safe still reports success, MultiSendCallOnly goes on): the chain says
 * `partial`, and only the outputs that were paid left the Safe. Real parts: anvil, a Safe v1.4.1
 * with kms-local owners and relayer, the withdrawal pipeline, the ledger. BAD is a token that
 * returns false instead of reverting; the Safe holds 10 BAD, so of two BAD withdrawals (8, then
 * 5) the first is paid and the second is not. Counting the whole batch would report 13 BAD
 * outgoing, ignoring the partial verdict 0: only 8 is what the Safe lost.
 */
const ETH = 10n ** 18n;
const USD = 10n ** 6n;
const CONFIRMATIONS = 3;

let anvil: Anvil;
let kms: KmsLocalHandle;
let kmsSigner: KmsSigner;
let usdc: string;
let bad: string;
beforeAll(async () => {
  [anvil, kms] = await Promise.all([startAnvil(), startKmsLocal()]);
  kmsSigner = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
  usdc = await anvil.deployToken({ symbol: 'USDC', decimals: 6 });
  bad = await anvil.deployToken({ symbol: 'BAD', decimals: 6, returnsFalse: true });
});
afterAll(async () => {
  kmsSigner?.destroy();
  await anvil?.stop();
  await kms?.stop();
});

describeEachBackend(
  'unbooked outflow of a partly paid Ethereum batch on anvil',
  {
    contexts: [complianceContext],
  },
  (ctx) => {
    const assets = new AssetRegistry().withAssets([
      { code: 'ETH', confirmations: CONFIRMATIONS },
      { code: 'USDC', confirmations: CONFIRMATIONS },
      { code: 'BAD', chain: 'ethereum', decimals: 6, confirmations: CONFIRMATIONS, native: false },
    ]);
    const suffix = Math.random().toString(36).slice(2, 8);
    const client = `partial${suffix}`;
    const to = [
      Wallet.createRandom().address,
      Wallet.createRandom().address,
      Wallet.createRandom().address,
      Wallet.createRandom().address,
    ];
    let custody: EthereumCustody;
    let chain: EthereumAdapter;
    let ledger: LedgerService;
    let cut: LedgerCutReader;
    let deps: SignerDeps;
    let runner: PipelineRunner;
    let unbooked: LedgerUnbooked;
    const errors: string[] = [];

    beforeAll(async () => {
      const { db } = ctx();
      // A fresh Safe per back end: its own owners and relayer, so nonces start at zero for this database.
      const [o1, o2, o3, relayer] = await Promise.all([1, 2, 3, 4].map(() => kms.createSigningKey()));
      custody = await setupEthereumCustody(anvil, kmsSigner, { owners: [o1, o2, o3], relayer, threshold: 2 }, [
        { asset: 'USDC', address: usdc },
        { asset: 'BAD', address: bad },
      ]);
      const wallet = { ...custody.wallet, relayerPublicKey: custody.relayer.publicKey };
      ledger = new LedgerService(db, { sweepIntervalMs: 0 });
      cut = new LedgerCutReader(db);
      deps = createPipelineDeps({
        db,
        ledger,
        audit: new AuditLog(db),
        outbox: { enqueue: (tx, e) => enqueue(tx, e) },
        wallets: { walletFor: async () => wallet },
        signer: {
          sign: async (_walletId, publicKey, digest) =>
            (await custody.sign([{ publicKey, digest, purpose: 'test' }]))[0],
        },
        adapters: [custody.adapter],
        assets,
      });
      runner = new PipelineRunner(deps, {
        chains: [
          { chain: 'ethereum', batchMaxSize: 10, batchMaxAgeMs: 0, leaseMs: 30_000, confirmations: CONFIRMATIONS },
        ],
        onError: (e) => errors.push(String(e)),
      });
      // Compliance asks the chain through an adapter of its own, as the ledger app wires it.
      chain = new EthereumAdapter({
        rpcUrl: anvil.rpcUrl,
        network: 'anvil',
        chainId: anvil.chainId,
        tokens: [
          { asset: 'USDC', address: usdc },
          { asset: 'BAD', address: bad },
        ],
      });
      unbooked = new LedgerUnbooked(db, assets, ledger, [chain]);

      // Deposits without a follower: the Safe holds what the users are credited, except BAD (10 held, 13 credited).
      await anvil.fund(custody.safe, 2n * ETH);
      await anvil.mintToken(usdc, custody.safe, 50n * USD);
      await anvil.mintToken(bad, custody.safe, 10n * USD);
      await db.transaction(async (tx) => {
        for (const asset of ['ETH', 'USDC', 'BAD']) await deps.accounts.inFlight(tx, 'ethereum', asset);
      });
      for (const [user, asset, amount] of [
        ['alice', 'ETH', 2n * ETH],
        ['alice', 'USDC', 50n * USD],
        ['bob', 'BAD', 8n * USD],
        ['carol', 'BAD', 5n * USD],
      ] as const) {
        const account = await ledger.openAccount({ clientId: client, ownerId: user, asset, kind: 'user' });
        const house = await ledger.openAccount({ clientId: OPERATOR, ownerId: wallet.id, asset, kind: 'custody' });
        await ledger.transfer({
          id: `deposit:test:${client}:${user}:${asset}`,
          debitAccountId: house.id,
          creditAccountId: account.id,
          amount,
          code: 'deposit',
        });
      }
    });
    afterAll(() => {
      chain?.close();
      custody?.adapter.close();
    });

    const tipAt = async (height: number): Promise<ChainTip> => ({
      chain: 'ethereum',
      height,
      hash: (await anvil.blockAt(height)).hash,
    });
    const safeHolds = async () => ({
      ETH: await anvil.balance(custody.safe),
      USDC: await anvil.tokenBalance(usdc, custody.safe),
      BAD: await anvil.tokenBalance(bad, custody.safe),
    });

    let batch: { id: string; txid: string; status: string };
    let minedAt: number;
    let sequence: bigint;
    let safeBefore: Awaited<ReturnType<typeof safeHolds>>;

    it('counts only the paid outputs of a partly paid batch that is mined but not yet confirmed deep enough, per asset, as the Safe lost them', async () => {
      const service = new WithdrawalService(deps);
      // Withdrawals are for registered clients with a policy (deny by default): open asset defaults.
      await ensureClient(ctx().db, { id: client, name: client, custody: 'pooled' });
      for (const asset of ['ETH', 'USDC', 'BAD']) {
        await deps.policies.put({ keyId: 'admin-test', role: 'admin' }, asset, '*', OPEN_POLICY);
      }
      const actor = { keyId: 'backend-test', role: 'backend' };
      const plan = [
        ['alice', 'ETH', '500000000000000000', to[0]],
        ['alice', 'USDC', '10000000', to[1]],
        ['bob', 'BAD', '8000000', to[2]],
        ['carol', 'BAD', '5000000', to[3]],
      ] as const;
      const ids: string[] = [];
      for (const [user, asset, amount, destination] of plan) {
        ids.push(
          (
            await service.request(actor, `${user}-${asset}`, {
              clientId: client,
              userId: user,
              asset,
              amount,
              destination,
            })
          ).withdrawal.id,
        );
      }
      safeBefore = await safeHolds();
      // One round: batched, signed 2-of-3 plus the relayer, sent; anvil mines it at once (one block deep).
      await runner.tick();
      expect(errors).toEqual([]);
      const batches = await ctx().db.query<typeof batch>(`SELECT id, txid, status FROM withdrawals.batches`);
      expect(batches).toHaveLength(1);
      batch = batches[0];
      expect(batch.status).toBe('broadcast');
      minedAt = (await anvil.provider.getTransactionReceipt(batch.txid))!.blockNumber;
      expect(minedAt).toBe(await anvil.height());

      // The chain's verdict: carol's BAD transfer returned false; the others were paid.
      const outputs = plan.map(([, asset, amount, address], i) => ({
        ref: ids[i],
        address,
        asset,
        amount: BigInt(amount),
      }));
      expect(await chain.status(batch.txid, outputs)).toMatchObject({ state: 'partial', unpaid: [{ ref: ids[3] }] });
      const safeAfter = await safeHolds();
      expect(safeAfter).toEqual({
        ETH: safeBefore.ETH - 5n * 10n ** 17n,
        USDC: safeBefore.USDC - 10n * USD,
        BAD: safeBefore.BAD - 8n * USD,
      });

      // Not settled in the ledger: unbooked outgoing is what left the Safe — BAD 8, not the batch's 13.
      sequence = await cut.currentSequence();
      const tip = await tipAt(minedAt);
      const got = {
        ETH: await unbooked.unbooked('ETH', tip, sequence),
        USDC: await unbooked.unbooked('USDC', tip, sequence),
        BAD: await unbooked.unbooked('BAD', tip, sequence),
      };
      expect({ ETH: got.ETH.outgoing, USDC: got.USDC.outgoing, BAD: got.BAD.outgoing }).toEqual({
        ETH: safeBefore.ETH - safeAfter.ETH,
        USDC: safeBefore.USDC - safeAfter.USDC,
        BAD: safeBefore.BAD - safeAfter.BAD,
      });
      expect(got.BAD.outgoing).toBe(8n * USD);
      // On Ethereum the relayer pays the gas: no network fee in the ETH outflow.
      expect(got.ETH.outgoing).toBe(5n * 10n ** 17n);
      for (const a of [got.ETH, got.USDC, got.BAD]) {
        expect(a.incoming).toBe(0n);
        expect(a.refs).toEqual([`batch ${batch.id} ${batch.txid} mined, partly paid, not yet confirmed`]);
      }
    });

    it('counts nothing at a snapshot height below the block the batch was mined in', async () => {
      const before = await tipAt(minedAt - 1);
      for (const asset of ['ETH', 'USDC', 'BAD']) {
        expect(await unbooked.unbooked(asset, before, sequence)).toEqual({ incoming: 0n, outgoing: 0n, refs: [] });
      }
    });

    it('once judged and settled, a cut taken before settlement still counts only what was paid (the failed withdrawal is left out)', async () => {
      await anvil.mine(CONFIRMATIONS);
      await runner.tick();
      expect(errors).toEqual([]);
      const statuses = await ctx().db.query<{ asset: string; amount: string; status: string }>(
        `SELECT asset, amount::text, status FROM withdrawals.withdrawals ORDER BY seq`,
      );
      expect(statuses.map((w) => w.status)).toEqual(['settled', 'settled', 'settled', 'failed']);
      const tip = await tipAt(minedAt);
      const bad = await unbooked.unbooked('BAD', tip, sequence);
      expect(bad.outgoing).toBe(8n * USD);
      expect(bad.refs).toEqual([`batch ${batch.id} ${batch.txid} settled after the cut`]);
      // A cut after settlement owes nothing.
      expect((await unbooked.unbooked('BAD', tip, await cut.currentSequence())).outgoing).toBe(0n);
    });
  },
);
