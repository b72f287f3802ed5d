import { BitcoinAdapter, outpointKey as outpointKeyOf } from '@strongroom/chains-bitcoin';
import { testBackends } from '@strongroom/testing';
import { startBitcoinRegtest, type BitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';
import { PipelineRunner, type ChainPipelineOptions, type Withdrawal } from '@strongroom/withdrawals';
import { btcAddress } from './testing/fixtures';
import { startWithdrawalTestApp, type WithdrawalTestApp } from './testing/withdrawal-test-app';
import { getWithdrawal, ledgerCustody } from './testing/withdrawal-calls';

const BTC = 100_000_000n;

// Two signer replicas (two pipelines, each with its own Bitcoin adapter and so its own memory) over
// one database: the outpoint reservations in the database are all that keeps them apart. Then a
// batch left unconfirmed is bumped by CPFP on bcoin, and the child's fee is booked with the batch.
describe.each(testBackends())(
  'Bitcoin outpoint reservations shared by replicas; CPFP of a stuck batch [%s]',
  (backend) => {
    let node: BitcoinRegtest;
    let t: WithdrawalTestApp;
    const adapters: BitcoinAdapter[] = [];
    let scanned = 0;
    const newAdapter = () =>
      new BitcoinAdapter({
        network: 'regtest',
        rpcUrl: node.rpcUrl,
        rpcUser: node.rpcUser,
        rpcPassword: node.rpcPassword,
        feeRate: { default: 2, min: 1, max: 50 },
      });
    const scan = async () => {
      const tip = (await adapters[0].tip()).height;
      for (let h = scanned + 1; h <= tip; h++) for (const a of adapters) await a.block(h);
      scanned = tip;
    };
    const status = async (id: string) => await getWithdrawal(t, id);

    beforeAll(async () => {
      node = await startBitcoinRegtest();
      adapters.push(newAdapter(), newAdapter());
      t = await startWithdrawalTestApp(backend, [adapters[0]]);
      const wallet = t.wallets.get('bitcoin')!;
      const deposit = adapters[0].deriveDepositAddress(wallet, 'replicas:alice');
      const change = adapters[0].changeAddress(wallet);
      for (const a of adapters) {
        a.watch([
          { address: deposit.address, script: deposit.locator, derivation: deposit.derivation, ref: 'alice' },
          { address: change.address, script: change.locator, derivation: change.derivation, ref: 'change' },
        ]);
      }
      scanned = (await adapters[0].tip()).height;
      for (let i = 0; i < 6; i++) await node.fund(deposit.address, 1n * BTC);
      await node.mine(1);
      await scan();
      // 1 BTC of the 6 on chain stays the operator's; a withdrawal fee above the network fee keeps
      // custody above what users are owed (the solvency gate checks it before signing).
      await t.fund('crash', 'alice', 'BTC', 5n * BTC);
      // …and in the ledger too: custody debited, the operator's equity credited (so custody − users = 1 BTC).
      const custody = await t.ledger.openAccount({
        clientId: 'operator',
        ownerId: wallet.id,
        asset: 'BTC',
        kind: 'custody',
      });
      const equity = await t.ledger.openAccount({
        clientId: 'operator',
        ownerId: 'float',
        asset: 'BTC',
        kind: 'equity',
      });
      await t.ledger.transfer({
        id: 'test:float:btc',
        debitAccountId: custody.id,
        creditAccountId: equity.id,
        amount: 1n * BTC,
        code: 'deposit',
      });
      const policy = await t.call(t.keys.admin, 'PUT', '/v1/withdrawal-policies/BTC/crash', {
        approvalThreshold: '1000000000',
        approvalsRequired: 2,
        withdrawalFee: '100000',
      });
      if (policy.status >= 300) throw new Error(`policy refused: ${policy.status} ${await policy.text()}`);
    });
    afterAll(async () => {
      await t?.close();
      await node?.stop();
    });

    it('two replicas preparing at the same time never choose the same input; every withdrawal settles once', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await t.call(
          t.keys.backend,
          'POST',
          '/v1/withdrawals',
          { clientId: 'crash', userId: 'alice', asset: 'BTC', amount: '30000000', destination: btcAddress(300 + i) },
          { 'Idempotency-Key': `rep-${i}` },
        );
        const body = (await res.json()) as Withdrawal;
        if (!body.id) throw new Error(`withdrawal refused: ${JSON.stringify(body)}`);
        ids.push(body.id);
      }
      const chains: ChainPipelineOptions[] = [
        { chain: 'bitcoin', batchMaxSize: 1, batchMaxAgeMs: 0, leaseMs: 30_000, confirmations: 1 },
      ];
      const replicas = adapters.map(
        (a) => new PipelineRunner({ ...t.deps, adapters: new Map([['bitcoin', a]]) }, { chains }),
      );
      await replicas[0].workers[0].batcher.runOnce();
      // Both replicas build batches at once, several rounds: each picks from the same custody set.
      for (let round = 0; round < 4; round++) await Promise.all(replicas.map((r) => r.workers[0].signer.prepare()));
      const batches = await t.tdb.db.query<{ id: string; unsigned_payload: string }>(
        `SELECT id, unsigned_payload FROM withdrawals.batches WHERE unsigned_payload IS NOT NULL`,
      );
      expect(batches).toHaveLength(6);
      const spends = batches.flatMap((b) => adapters[0].utxo.spentOutpoints(b.unsigned_payload));
      expect(new Set(spends).size).toBe(spends.length);
      const reserved = await t.tdb.db.query<{ outpoint: string; batch_id: string }>(
        `SELECT outpoint, batch_id FROM withdrawals.outpoint_reservations ORDER BY outpoint`,
      );
      expect(reserved.map((r) => r.outpoint).sort()).toEqual([...spends].sort());

      for (let i = 0; i < 6; i++) {
        await Promise.all(replicas.map((r) => r.tick()));
        await node.mine(1);
        await scan();
      }
      for (const id of ids) expect((await status(id)).status).toBe('settled');
      const settled = await t.tdb.db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM withdrawals.transitions WHERE to_status = 'settled'`,
      );
      expect(Number(settled[0].n)).toBe(6);
      // Confirmed batches no longer hold their (spent) outpoints.
      expect(await t.tdb.db.query(`SELECT 1 FROM withdrawals.outpoint_reservations`)).toEqual([]);
      expect((await t.ledger.checkInvariants()).ok).toBe(true);
    });

    it('CPFP: a batch unconfirmed past the bound gets a child on its change; both mined; the child fee is booked; custody matches the chain', async () => {
      const res = await t.call(
        t.keys.backend,
        'POST',
        '/v1/withdrawals',
        { clientId: 'crash', userId: 'alice', asset: 'BTC', amount: '10000000', destination: btcAddress(399) },
        { 'Idempotency-Key': 'rep-cpfp' },
      );
      const w = (await res.json()) as Withdrawal;
      const runner = t.runner([
        {
          chain: 'bitcoin',
          batchMaxSize: 1,
          batchMaxAgeMs: 0,
          leaseMs: 30_000,
          confirmations: 1,
          bumpAfterMs: 60_000,
          feePolicy: { feeRate: '1' },
        },
      ]);
      await runner.tick();
      const sent = await status(w.id);
      expect(sent.status).toBe('broadcast');
      const [before] = await t.tdb.db.query<{ network_fee: string }>(
        `SELECT network_fee::text FROM withdrawals.batches WHERE id = $1`,
        [sent.batchId],
      );
      // Nothing is mined meanwhile: past the bound the confirmer bumps it.
      await runner.tick();
      let [b] = await t.tdb.db.query<{ cpfp_txid: string | null }>(
        `SELECT cpfp_txid FROM withdrawals.batches WHERE id = $1`,
        [sent.batchId],
      );
      expect(b.cpfp_txid).toBeNull();
      t.clock.advance(60_001);
      await runner.tick();
      [b] = await t.tdb.db.query<{ cpfp_txid: string | null; cpfp_fee: string }>(
        `SELECT cpfp_txid, cpfp_fee::text FROM withdrawals.batches WHERE id = $1`,
        [sent.batchId],
      );
      expect(b.cpfp_txid).not.toBeNull();
      expect(await node.rpc<string[]>('getrawmempool')).toEqual(expect.arrayContaining([sent.txid, b.cpfp_txid]));
      await node.mine(1);
      await scan();
      await runner.tick();
      await runner.tick();
      expect((await status(w.id)).status).toBe('settled');
      const [after] = await t.tdb.db.query<{ network_fee: string; cpfp_fee: string }>(
        `SELECT network_fee::text, cpfp_fee::text FROM withdrawals.batches WHERE id = $1`,
        [sent.batchId],
      );
      expect(BigInt(after.network_fee)).toBe(BigInt(before.network_fee) + BigInt(after.cpfp_fee));
      const wallet = t.wallets.get('bitcoin')!;
      const onChain = adapters[0].custodyUtxos().reduce((s, u) => s + u.value, 0n);
      // Every fee the chain took (CPFP child included) is booked: ledger custody = chain, to the satoshi.
      expect(await ledgerCustody(t, wallet.id, 'BTC')).toBe(onChain);
      expect((await t.ledger.checkInvariants()).ok).toBe(true);
    });

    it('a batch whose input another transaction spent (mined) is failed once the conflict is deep enough: holds voided, outpoints released, audited', async () => {
      const res = await t.call(
        t.keys.backend,
        'POST',
        '/v1/withdrawals',
        { clientId: 'crash', userId: 'alice', asset: 'BTC', amount: '20000000', destination: btcAddress(398) },
        { 'Idempotency-Key': 'rep-conflict' },
      );
      const w = (await res.json()) as Withdrawal;
      const runner = t.runner([
        {
          chain: 'bitcoin',
          batchMaxSize: 1,
          batchMaxAgeMs: 0,
          leaseMs: 30_000,
          confirmations: 2,
          rebroadcastAfterMs: 1_000,
        },
      ]);
      await runner.tick();
      const sent = await status(w.id);
      expect(sent.status).toBe('broadcast');
      const [b] = await t.tdb.db.query<{ unsigned_payload: string }>(
        `SELECT unsigned_payload FROM withdrawals.batches WHERE id = $1`,
        [sent.batchId],
      );
      const ours = adapters[0].utxo.spentOutpoints(b.unsigned_payload);
      // The node loses it (mined, then that block reorged out: neither in chain nor mempool)…
      await node.mine(1);
      await node.reorg(1, { extra: 1 });
      scanned -= 2;
      await scan();
      await expect(adapters[0].status(sent.txid as string)).resolves.toEqual({ state: 'unknown' });
      // …and another transaction signed by the same keys spends the same input and is mined.
      const wallet = t.wallets.get('bitcoin')!;
      const others = adapters[0]
        .custodyUtxos()
        .map((u) => outpointKeyOf(u.txid, u.vout))
        .filter((k) => !ours.includes(k));
      const thief = {
        id: 'outside',
        wallet,
        outputs: [{ ref: 'x', address: btcAddress(397), asset: 'BTC' as const, amount: 1_000_000n }],
        fee: { feeRate: '2' },
      };
      const unsigned = await adapters[0].buildWithdrawal(thief, { taken: new Set(others) });
      expect(adapters[0].utxo.spentOutpoints(unsigned.payload)).toEqual(ours);
      const sigs = [];
      for (const d of unsigned.digests.filter((d) => d.publicKey !== wallet.publicKeys[2]))
        sigs.push(await t.signer.sign(wallet.id, d.publicKey, d.digest));
      await adapters[0].broadcast(await adapters[0].finalize(unsigned, sigs));
      await node.mine(1);
      await scan();
      // First sighting: the conflict is 1 deep, 2 needed: the batch waits, its hold untouched.
      t.clock.advance(1_001);
      await runner.tick();
      expect((await status(w.id)).status).toBe('broadcast');
      await node.mine(1);
      await scan();
      t.clock.advance(600_001);
      await runner.tick();
      const done = await status(w.id);
      expect(done.status).toBe('failed');
      const [hold] = await t.tdb.db.query<{ state: string }>(
        `SELECT state FROM ledger.pending_states WHERE pending_id = $1`,
        [`withdrawal:${w.id}:hold`],
      );
      expect(hold.state).toBe('voided');
      expect(
        await t.tdb.db.query(`SELECT 1 FROM withdrawals.outpoint_reservations WHERE batch_id = $1`, [sent.batchId]),
      ).toEqual([]);
      const audits = await t.tdb.db.query<{ payload: { rule: string; conflict?: { outpoints: string[] } } }>(
        `SELECT payload FROM audit.entries WHERE action = 'withdrawal_batch.failed' AND subject_id = $1`,
        [sent.batchId],
      );
      expect(audits).toHaveLength(1);
      expect(audits[0].payload.rule).toBe('inputs_spent_elsewhere');
      // Coins left custody without us: one incident, and nothing more of BTC is signed until cleared.
      const conflict = audits[0].payload.conflict?.outpoints;
      expect(conflict).toHaveLength(ours.length);
      const incidents = () =>
        t.tdb.db.query<{ kind: string; detail: { outpoints: string[] } }>(
          `SELECT kind, detail FROM withdrawals.solvency_incidents WHERE batch_id = $1`,
          [sent.batchId],
        );
      expect(await incidents()).toEqual([
        { kind: 'inputs_spent_elsewhere', detail: expect.objectContaining({ txid: sent.txid, outpoints: conflict }) },
      ]);
      const [breaker] = await t.tdb.db.query<{ tripped: boolean; incident_id: string }>(
        `SELECT tripped, incident_id FROM withdrawals.solvency_breakers WHERE asset = 'BTC'`,
      );
      expect(breaker).toEqual({ tripped: true, incident_id: `conflict_${sent.batchId}` });
      await runner.tick();
      expect(await incidents()).toHaveLength(1);
      expect((await t.ledger.checkInvariants()).ok).toBe(true);
    });
  },
);
