import { ensureClient } from '@strongroom/api-auth';
import { AuditLog } from '@strongroom/audit';
import { setupEthereumCustody, type EthereumCustody } from '@strongroom/chains-ethereum';
import { enqueue } from '@strongroom/events';
import { KmsSigner } from '@strongroom/keys';
import { LedgerService } from '@strongroom/ledger';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { AssetRegistry } from '@strongroom/shared-assets';
import { describeEachBackend } from '@strongroom/testing';
import { fetchAnchorTx, fetchSentBy, verifyAnchor } from '@strongroom/proof-verifier';
import { OPERATOR } from '../core/ledger-accounts';
import type { DigestSigner } from '../ports';
import { WithdrawalService } from '../requests/withdrawal.service';
import { PipelineRunner } from '../runner/pipeline-runner';
import { OPEN_POLICY } from '../testing/open-policy';
import { createPipelineDeps, type SignerDeps } from '../runner/create-pipeline-deps';
import { withdrawalsContext } from '../withdrawals.context';
import { AnchorWorker, type AnchorCrashPoint, type AnchorWorkerOptions } from './anchor-worker';

const ROOT = '4e5b1e1fe4381ad69b9e093d41b78052562d1d633409e2a146ad261d1a7e3339';

/**
 * The anchor worker on anvil with the relayer key in kms-local: the anchor row and its relayer
 * nonce are stored together, the signed bytes stored before they are sent, and a crash at any
 * step (the worker rebuilt) sends the stored bytes: one transaction per snapshot.
 */
describeEachBackend('root anchors sent by the anchor worker', { contexts: [withdrawalsContext] }, (ctx) => {
  let anvil: Anvil;
  let kmsLocal: KmsLocalHandle;
  let kms: KmsSigner;
  let custody: EthereumCustody;
  let deps: SignerDeps;
  let opts: AnchorWorkerOptions;

  beforeAll(async () => {
    [anvil, kmsLocal] = await Promise.all([startAnvil(), startKmsLocal()]);
    kms = new KmsSigner({ ...kmsLocal.config, requestsPerSecond: Infinity });
    const [owner, relayerKey] = [await kmsLocal.createSigningKey(), await kmsLocal.createSigningKey()];
    custody = await setupEthereumCustody(anvil, kms, { owners: [owner], relayer: relayerKey, threshold: 1 });
    const keyOf = new Map([
      [custody.relayer.publicKey, relayerKey],
      [custody.owners[0].publicKey, owner],
    ]);
    const signer: DigestSigner = {
      sign: async (_walletId, publicKey, digest) => {
        const keyId = keyOf.get(publicKey);
        if (!keyId) throw new Error(`no key for ${publicKey}`);
        const sig = await kms.signDigest(keyId, Buffer.from(digest.replace(/^0x/, ''), 'hex'));
        const hex = (n: bigint) => n.toString(16).padStart(64, '0');
        return { publicKey, digest, r: hex(sig.r), s: hex(sig.s), recovery: sig.recovery };
      },
    };
    const wallet = { ...custody.wallet, relayerPublicKey: custody.relayer.publicKey };
    deps = createPipelineDeps({
      db: ctx().db,
      ledger: new LedgerService(ctx().db),
      audit: new AuditLog(ctx().db),
      outbox: { enqueue },
      wallets: { walletFor: async () => wallet, walletById: async (_c, id) => (id === wallet.id ? wallet : null) },
      signer,
      adapters: [custody.adapter],
      assets: new AssetRegistry().withAssets([
        { code: 'ETH', chain: 'ethereum', decimals: 18, confirmations: 2, native: true },
      ]),
    });
    opts = { chain: 'ethereum', chainId: anvil.chainId, walletId: wallet.id, confirmations: 2, rebroadcastAfterMs: 0 };
  }, 180_000);
  afterAll(async () => {
    custody?.adapter.close();
    kms?.destroy();
    await Promise.all([anvil?.stop(), kmsLocal?.stop()]);
  });

  const relayerTxs = async () => (await fetchSentBy(anvil.rpcUrl, custody.relayer.address, 0)).length;
  /** A worker whose crash hook throws at `at` (a process dying there). */
  const crashingAt = (at: AnchorCrashPoint) =>
    new AnchorWorker(deps, opts, (point) => {
      if (point === at) throw new Error(`crash at ${point}`);
    });
  /** Runs fresh workers until the anchor is confirmed (mining between rounds). */
  const untilConfirmed = async (snapshotId: string) => {
    for (let i = 0; i < 6; i += 1) {
      await new AnchorWorker(deps, opts).runOnce();
      if ((await new AnchorWorker(deps, opts).find(snapshotId))?.status === 'confirmed') break;
      await anvil.mine(1);
    }
    return (await new AnchorWorker(deps, opts).find(snapshotId))!;
  };

  it('anchors a requested root: mined, the calldata checked by the verifier; a second request is the same anchor', async () => {
    const snapshotId = 'snap-1';
    const before = await relayerTxs();
    const worker = new AnchorWorker(deps, opts);
    const a = await worker.request(snapshotId, ROOT);
    expect(a.status).toBe('reserved');
    const [n] = await ctx().db.query<{ anchor_id: string }>(
      `SELECT anchor_id FROM withdrawals.nonces WHERE nonce = $1 AND relayer = $2`,
      [a.nonce, custody.relayer.address.toLowerCase()],
    );
    expect(n.anchor_id).toBe(a.id);
    const done = await untilConfirmed(snapshotId);
    expect(done).toMatchObject({ status: 'confirmed', nonce: a.nonce });
    const tx = await fetchAnchorTx(anvil.rpcUrl, done.txid!);
    expect(verifyAnchor(tx!, { snapshotId, root: ROOT, relayer: custody.relayer.address })).toMatchObject({
      outcome: 'valid',
      root: ROOT,
    });
    const again = await worker.request(snapshotId, ROOT);
    expect(again).toMatchObject({ id: a.id, txid: done.txid, status: 'confirmed' });
    await expect(worker.request(snapshotId, 'ab'.repeat(32))).rejects.toThrow('another root');
    await worker.runOnce();
    expect(await relayerTxs()).toBe(before + 1);
    // Its gas is booked once, out of the relayer's gas budget: what the receipt says was paid.
    const r = await anvil.rpc<{ gasUsed: string; effectiveGasPrice: string }>('eth_getTransactionReceipt', [done.txid]);
    const [gas] = await ctx().db.query<{ amount: string }>(
      `SELECT amount::text AS amount FROM ledger.transfers WHERE id = $1`,
      [`anchor:${a.id}:gas`],
    );
    expect(BigInt(gas.amount)).toBe(BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice));
  }, 120_000);

  it.each<AnchorCrashPoint>(['anchor.after_sign', 'anchor.after_store', 'anchor.after_broadcast'])(
    'a crash at %s, the worker rebuilt, gives one transaction',
    async (point) => {
      const snapshotId = `snap-${point}`;
      const before = await relayerTxs();
      const a = await new AnchorWorker(deps, opts).request(snapshotId, ROOT);
      await expect(crashingAt(point).runOnce()).rejects.toThrow(`crash at ${point}`);
      const stored = await new AnchorWorker(deps, opts).find(snapshotId);
      expect(stored?.status).toBe(point === 'anchor.after_sign' ? 'reserved' : 'signed');
      const done = await untilConfirmed(snapshotId);
      expect(done.status).toBe('confirmed');
      expect(done.nonce).toBe(a.nonce);
      // After signing and storing, only the stored bytes are sent.
      if (point !== 'anchor.after_sign') expect(done.txid).toBe(stored?.txid);
      expect(await relayerTxs()).toBe(before + 1);
    },
    120_000,
  );

  it('a withdrawal batch after an anchor takes the next relayer nonce and is mined', async () => {
    const a = await new AnchorWorker(deps, opts).request('snap-batch', ROOT);
    await untilConfirmed('snap-batch');
    await ensureClient(deps.db, { id: 'c', name: 'c', custody: 'pooled' });
    await deps.policies.put({ keyId: 'admin-test', role: 'admin' }, 'ETH', '*', OPEN_POLICY);
    const ledger = new LedgerService(ctx().db);
    const user = await ledger.openAccount({ clientId: 'c', ownerId: 'bob', asset: 'ETH', kind: 'user' });
    const house = await ledger.openAccount({
      clientId: OPERATOR,
      ownerId: custody.wallet.id,
      asset: 'ETH',
      kind: 'custody',
    });
    await ledger.transfer({
      id: 'deposit:anchor:bob',
      debitAccountId: house.id,
      creditAccountId: user.id,
      amount: 10n ** 18n,
      code: 'deposit',
    });
    await anvil.fund(custody.safe, 10n ** 18n);
    const { withdrawal } = await new WithdrawalService(deps).request(
      { keyId: 'backend', role: 'backend' },
      'anchor-w1',
      {
        clientId: 'c',
        userId: 'bob',
        asset: 'ETH',
        amount: '1000000000000000',
        destination: '0x' + '77'.repeat(20),
      },
    );
    const runner = new PipelineRunner(deps, { chains: [{ chain: 'ethereum', batchMaxAgeMs: 0 }], idleMs: 20 });
    await runner.tick();
    const [b] = await ctx().db.query<{ nonce: string; txid: string | null }>(
      `SELECT n.nonce::text AS nonce, b.txid FROM withdrawals.withdrawals w JOIN withdrawals.batches b ON b.id = w.batch_id
        JOIN withdrawals.nonces n ON n.batch_id = b.id WHERE w.id = $1`,
      [withdrawal.id],
    );
    expect(b.nonce).toBe((BigInt(a.nonce) + 1n).toString());
    expect(await anvil.waitMined(b.txid!)).toMatchObject({ status: 1 });
  }, 180_000);
});
