import { ensureClient } from '@strongroom/api-auth';
import type { CustodyWallet } from '@strongroom/chains-core';
import { KmsSigner, hexDigestSignature } from '@strongroom/keys';
import type { LedgerService } from '@strongroom/ledger';
import { openTestDatabase, testBackends, type TestDatabase } from '@strongroom/testing';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { networks, payments } from 'bitcoinjs-lib';
import { withdrawalsContext } from '../withdrawals.context';
import { ScriptedChainAdapter } from '../testing/scripted-chain-adapter';
import { WithdrawalService } from '../requests/withdrawal.service';
import type { Withdrawal } from '../withdrawal.types';
import { OPERATOR } from '../core/ledger-accounts';
import type { SignerDeps } from '../runner/create-pipeline-deps';
import { PipelineRunner, type ChainPipelineOptions } from '../runner/pipeline-runner';
import { bitcoinPipeline } from '../testing/bitcoin-pipeline';
import { OPEN_POLICY } from '../testing/open-policy';

const BTC = 100_000_000n;
const RETRY_AFTER_MS = 60_000;
const CHAINS: ChainPipelineOptions[] = [
  {
    chain: 'bitcoin',
    batchMaxSize: 50,
    batchMaxAgeMs: 0,
    leaseMs: 30_000,
    confirmations: 2,
    rebroadcastAfterMs: 1_000,
  },
];

class TestClock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/** A regtest P2WPKH address, distinct per n. */
const destination = (n: number) =>
  payments.p2wpkh({ hash: Buffer.alloc(20, n), network: networks.regtest }).address as string;

interface BatchRow {
  status: string;
  network_fee: string;
  last_error: string | null;
  lease_until: Date | null;
}

// The confirmer and the settler on the scripted chain, over the real ledger, audit log and outbox,
// with kms-local signing: when a mined verdict is acted on, what a failed or partly paid batch
// books, what cannot be judged, and a settlement the ledger refuses.
describe.each(testBackends())('confirming and settling batches [%s]', (backend) => {
  let tdb: TestDatabase;
  let kms: KmsLocalHandle;
  let ledger: LedgerService;
  let deps: SignerDeps;
  let btc: ScriptedChainAdapter;
  let wallet: CustodyWallet;
  let service: WithdrawalService;
  let n = 0;
  const clock = new TestClock();

  beforeAll(async () => {
    tdb = await openTestDatabase(backend, {
      contexts: [withdrawalsContext],
    });
    kms = await startKmsLocal();
    const signer = new KmsSigner({ ...kms.config, requestsPerSecond: Infinity });
    const keyIds = [await kms.createSigningKey(), await kms.createSigningKey(), await kms.createSigningKey()];
    const keyOf = new Map<string, string>();
    for (const id of keyIds) keyOf.set((await signer.publicKey(id)).compressedHex, id);
    wallet = { id: 'wallet-btc', chain: 'bitcoin', threshold: 2, publicKeys: [...keyOf.keys()] };
    btc = new ScriptedChainAdapter('bitcoin');
    ({ ledger, deps } = bitcoinPipeline(tdb.db, {
      wallet,
      signer: {
        async sign(_walletId, publicKey, digest) {
          const sig = await signer.signDigest(keyOf.get(publicKey) as string, Buffer.from(digest, 'hex'));
          return hexDigestSignature(publicKey, digest, sig);
        },
      },
      adapters: [btc],
      clock,
    }));
    service = new WithdrawalService(deps);
    await tdb.db.transaction((tx) => deps.accounts.inFlight(tx, 'bitcoin', 'BTC'));
    // A registered client, an open asset default (withdrawals deny by default), and operator
    // capital in custody: the scripted network fee is above the zero withdrawal fee, and the
    // solvency gate stops signing once custody falls below user balances.
    await ensureClient(tdb.db, { id: 'c', name: 'c', custody: 'pooled' });
    await deps.policies.put({ keyId: 'admin-test', role: 'admin' }, 'BTC', '*', OPEN_POLICY);
    const capital = await ledger.openAccount({
      clientId: OPERATOR,
      ownerId: 'test-float',
      asset: 'BTC',
      kind: 'equity',
    });
    const custody = await ledger.openAccount({ clientId: OPERATOR, ownerId: wallet.id, asset: 'BTC', kind: 'custody' });
    await ledger.transfer({
      id: 'test:float:BTC',
      debitAccountId: custody.id,
      creditAccountId: capital.id,
      amount: 10_000_000n,
      code: 'test',
    });
  });
  afterAll(async () => {
    await kms?.stop();
    await tdb?.close();
  });

  async function fund(userId: string, amount: bigint): Promise<string> {
    const user = await ledger.openAccount({ clientId: 'c', ownerId: userId, asset: 'BTC', kind: 'user' });
    const custody = await ledger.openAccount({ clientId: OPERATOR, ownerId: wallet.id, asset: 'BTC', kind: 'custody' });
    await ledger.transfer({
      id: `deposit:test:${userId}:${++n}`,
      debitAccountId: custody.id,
      creditAccountId: user.id,
      amount,
      code: 'deposit',
    });
    return user.id;
  }
  async function request(userId: string, amount: string, to: string): Promise<Withdrawal> {
    return (
      await service.request({ keyId: 'backend', role: 'backend' }, `k-${backend}-${++n}`, {
        clientId: 'c',
        userId,
        asset: 'BTC',
        amount,
        destination: to,
      })
    ).withdrawal;
  }
  const get = (id: string) => service.get(id);
  async function batch(id: string): Promise<BatchRow> {
    const [b] = await tdb.db.query<BatchRow>(
      `SELECT status, network_fee::text, last_error, lease_until FROM withdrawals.batches WHERE id = $1`,
      [id],
    );
    return b;
  }
  async function holdState(withdrawalId: string): Promise<string> {
    return (await ledger.getTransfer(`withdrawal:${withdrawalId}:hold`)).pendingState as string;
  }
  async function spendable(accountId: string): Promise<bigint> {
    const b = await ledger.balances(accountId);
    return b.creditsPosted - b.debitsPosted - b.debitsPending;
  }
  /** Posted net (debits − credits) of a house account: custody and fee_expense grow with debits. */
  async function house(kind: 'custody' | 'fee_expense', ownerId = wallet.id): Promise<bigint> {
    const a = await ledger.findAccount({ clientId: OPERATOR, ownerId, asset: 'BTC', kind });
    if (!a) return 0n;
    const b = await ledger.balances(a.id);
    return b.debitsPosted - b.creditsPosted;
  }
  async function audits(action: string, subject: string): Promise<number> {
    const [r] = await tdb.db.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM audit.entries WHERE action = $1 AND subject_id = $2`,
      [action, subject],
    );
    return Number(r.n);
  }
  /** Requests, batches, signs and broadcasts one batch; returns the withdrawals in it. */
  async function broadcastBatch(runner: PipelineRunner, ...ws: Withdrawal[]): Promise<Withdrawal[]> {
    await runner.tick();
    const sent = await Promise.all(ws.map((w) => get(w.id)));
    expect(sent.map((w) => w.status)).toEqual(ws.map(() => 'broadcast'));
    return sent;
  }
  const expectBalancedLedger = async () => expect((await ledger.checkInvariants()).violations).toEqual([]);

  it('acts on a mined failure only at the depth a success needs: a failure a reorg removes is not refunded, and pays when mined again', async () => {
    const user = await fund('reorg', BTC);
    const runner = new PipelineRunner(deps, { chains: CHAINS });
    const [w] = await broadcastBatch(runner, await request('reorg', '30000000', destination(1)));

    btc.failTx(w.txid as string, 'reverted', 1);
    await runner.tick();
    expect((await get(w.id)).status).toBe('broadcast');
    expect(await holdState(w.id)).toBe('pending');
    expect(await spendable(user)).toBe(BTC - (3n * BTC) / 10n);

    // A reorg takes the failing block away; the same bytes are mined again and this time pay.
    btc.unmine(w.txid as string);
    btc.mine(2);
    await runner.tick();
    expect((await get(w.id)).status).toBe('settled');
    expect(await holdState(w.id)).toBe('posted');
    expect(await spendable(user)).toBe(BTC - (3n * BTC) / 10n);
    await expectBalancedLedger();
  });

  it('fails a batch mined as failed once it is deep enough, voiding the holds and booking the network fee it paid in the same transaction', async () => {
    const user = await fund('gas', BTC);
    const runner = new PipelineRunner(deps, { chains: CHAINS });
    const [w] = await broadcastBatch(runner, await request('gas', '20000000', destination(2)));
    const batchId = w.batchId as string;
    const custody0 = await house('custody');
    const expense0 = await house('fee_expense');
    btc.fee = 4_321n;

    btc.failTx(w.txid as string, 'reverted', 1);
    await runner.tick();
    expect((await get(w.id)).status).toBe('broadcast');
    await expect(ledger.getTransfer(`batch:${batchId}:network_fee`)).rejects.toMatchObject({
      code: 'transfer.not_found',
    });

    btc.mine(1);
    await runner.tick();
    expect(await get(w.id)).toMatchObject({ status: 'failed', rule: 'chain_failure', reason: 'reverted' });
    expect(await batch(batchId)).toMatchObject({ status: 'failed', network_fee: '4321', last_error: 'reverted' });
    expect(await holdState(w.id)).toBe('voided');
    expect(await spendable(user)).toBe(BTC);
    // Paid from custody on Bitcoin, where the fee comes out of the custody inputs.
    expect(await ledger.getTransfer(`batch:${batchId}:network_fee`)).toMatchObject({
      amount: 4_321n,
      code: 'network_fee',
    });
    expect(await house('fee_expense')).toBe(expense0 + 4_321n);
    expect(await house('custody')).toBe(custody0 - 4_321n);
    expect(await audits('withdrawal_batch.failed', batchId)).toBe(1);
    btc.fee = 1_000n;
    await expectBalancedLedger();
  });

  it('settles the paid withdrawals of a partly paid batch and fails only the unpaid ones', async () => {
    const paid = await fund('paid', BTC);
    const unpaid = await fund('unpaid', BTC);
    const runner = new PipelineRunner(deps, { chains: CHAINS });
    const [a, b] = await broadcastBatch(
      runner,
      await request('paid', '40000000', destination(3)),
      await request('unpaid', '25000000', destination(4)),
    );
    expect(a.batchId).toBe(b.batchId);
    const batchId = a.batchId as string;
    btc.unpaidAddresses.add(destination(4));
    const custody0 = await house('custody');

    btc.mine(1);
    await runner.tick();
    expect([(await get(a.id)).status, (await get(b.id)).status]).toEqual(['broadcast', 'broadcast']);

    btc.mine(1);
    await runner.tick();
    expect((await get(a.id)).status).toBe('settled');
    expect(await get(b.id)).toMatchObject({
      status: 'failed',
      rule: 'output_unpaid',
      reason: expect.stringContaining(destination(4)),
    });
    expect([await holdState(a.id), await holdState(b.id)]).toEqual(['posted', 'voided']);
    expect([await spendable(paid), await spendable(unpaid)]).toEqual([BTC - (4n * BTC) / 10n, BTC]);
    // Custody is down by what left (the paid output) and the fee, not by the unpaid output.
    expect(await house('custody')).toBe(custody0 - (4n * BTC) / 10n - btc.fee);
    expect(await batch(batchId)).toMatchObject({
      status: 'settled',
      network_fee: btc.fee.toString(),
      last_error: expect.stringContaining(destination(4)),
    });
    expect(await audits('withdrawal_batch.partially_paid', batchId)).toBe(1);
    expect(await audits('withdrawal.failed', b.id)).toBe(1);
    const [event] = await tdb.db.query<{ body: string }>(
      `SELECT body FROM events.outbox WHERE type = 'withdrawal.failed' AND subject = $1`,
      [b.id],
    );
    expect(JSON.parse(event.body)).toMatchObject({
      type: 'withdrawal.failed',
      data: { withdrawalId: b.id, rule: 'output_unpaid', batchId },
    });
    btc.unpaidAddresses.clear();
    await expectBalancedLedger();
  });

  it('leaves a batch it cannot judge as it is, with the reason, while the other batches go on', async () => {
    await fund('blind', BTC);
    await fund('seen', BTC);
    const runner = new PipelineRunner(deps, { chains: CHAINS });
    const [x] = await broadcastBatch(runner, await request('blind', '10000000', destination(5)));
    const [y] = await broadcastBatch(runner, await request('seen', '10000000', destination(6)));
    btc.unjudgeable.set(x.txid as string, 'a token this deployment no longer knows');
    btc.mine(2);

    const [worker] = runner.workers;
    await expect(worker.confirmer.runOnce()).rejects.toThrow(/a token this deployment no longer knows/);
    expect((await get(x.id)).status).toBe('broadcast');
    expect(await holdState(x.id)).toBe('pending');
    expect((await batch(x.batchId as string)).last_error).toMatch(
      /cannot follow .*a token this deployment no longer knows/,
    );
    expect((await get(y.id)).status).toBe('confirmed');

    btc.unjudgeable.clear();
    await runner.tick();
    expect([(await get(x.id)).status, (await get(y.id)).status]).toEqual(['settled', 'settled']);
    await expectBalancedLedger();
  });

  it('parks a batch whose settlement the ledger refuses, settles the later batches meanwhile, and retries it after the back-off', async () => {
    await fund('first', BTC);
    await fund('second', BTC);
    const runner = new PipelineRunner(deps, { chains: CHAINS });
    const [w1] = await broadcastBatch(runner, await request('first', '50000000', destination(7)));
    const [w2] = await broadcastBatch(runner, await request('second', '10000000', destination(8)));
    // The ledger's custody is left holding less than the first batch pays out (a loss booked
    // against it): custody may not be credited beyond its debits, so that settlement is refused.
    const room = await house('custody');
    const loss = await ledger.openAccount({ clientId: OPERATOR, ownerId: 'test-loss', asset: 'BTC', kind: 'equity' });
    const custody = await ledger.openAccount({ clientId: OPERATOR, ownerId: wallet.id, asset: 'BTC', kind: 'custody' });
    await ledger.transfer({
      id: `loss:${backend}:${++n}`,
      debitAccountId: loss.id,
      creditAccountId: custody.id,
      amount: room - (3n * BTC) / 10n,
      code: 'adjustment',
    });

    btc.mine(2);
    await runner.tick();
    const b1 = w1.batchId as string;
    expect((await get(w1.id)).status).toBe('confirmed');
    expect((await get(w2.id)).status).toBe('settled');
    expect(await batch(b1)).toMatchObject({
      status: 'confirmed',
      last_error: expect.stringMatching(/ledger refused settlement: .*account\.credits_exceed_debits/),
    });
    expect(await holdState(w1.id)).toBe('pending');
    expect(await audits('withdrawal_batch.settlement_refused', b1)).toBe(1);

    // Parked: not tried again before the back-off runs out.
    await runner.tick();
    expect(await audits('withdrawal_batch.settlement_refused', b1)).toBe(1);
    clock.offsetMs += RETRY_AFTER_MS + 1;
    await runner.tick();
    expect(await audits('withdrawal_batch.settlement_refused', b1)).toBe(2);
    expect((await get(w1.id)).status).toBe('confirmed');

    // Custody is made whole (a deposit); the next retry settles and clears the refusal.
    await fund('later', BTC);
    clock.offsetMs += RETRY_AFTER_MS + 1;
    await runner.tick();
    expect((await get(w1.id)).status).toBe('settled');
    expect(await batch(b1)).toMatchObject({ status: 'settled', last_error: null, lease_until: null });
    expect(await holdState(w1.id)).toBe('posted');
    await expectBalancedLedger();
  });
});
