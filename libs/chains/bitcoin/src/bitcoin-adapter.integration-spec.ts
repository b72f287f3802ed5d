import {
  IntentMismatchError,
  type ChainBlock,
  type CustodyWallet,
  type DigestSignature,
  type IntendedOutput,
  type UnsignedChainTx,
  type WithdrawalBatch,
} from '@strongroom/chains-core';
import { KmsSigner } from '@strongroom/keys';
import { startBitcoinRegtest, type BitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { address as baddress, networks, Psbt, Transaction } from 'bitcoinjs-lib';
import { createHash } from 'node:crypto';
import { BitcoinAdapter } from './bitcoin-adapter';
import { outpointKey } from './logic/custody-utxo';
import { inputDigests } from './logic/input-digests';

const h = (s: string) => createHash('sha256').update(s).digest();
const BTC = 100_000_000n;

describe('BitcoinAdapter on a bcoin regtest node, signing through kms-local', () => {
  let node: BitcoinRegtest;
  let kms: KmsLocalHandle;
  let signer: KmsSigner;
  let keyIds: string[];
  let wallet: CustodyWallet;
  let adapter: BitcoinAdapter;
  let followed = 0;
  const custodyAddresses: string[] = [];

  /** What libs/deposits does, reduced: read every block up to the tip, in order. */
  async function follow(): Promise<ChainBlock[]> {
    const tip = await adapter.tip();
    const blocks: ChainBlock[] = [];
    for (let height = followed + 1; height <= tip.height; height++) blocks.push(await adapter.block(height));
    followed = tip.height;
    return blocks;
  }

  function depositAddress(user: string, index = 0): string {
    const d = adapter.deriveDepositAddress(wallet, `client-1/${user}/BTC/${index}`);
    adapter.watch([{ address: d.address, script: d.locator, ref: `${user}/${index}`, derivation: d.derivation }]);
    if (!custodyAddresses.includes(d.address)) custodyAddresses.push(d.address);
    return d.address;
  }

  /** The signing step as the withdrawal signer runs it: intent check first, then one KMS call per digest and key. */
  async function signThroughKms(
    unsigned: UnsignedChainTx,
    batch: WithdrawalBatch,
    signers: number[],
  ): Promise<DigestSignature[]> {
    adapter.checkIntent(unsigned, batch);
    const out: DigestSignature[] = [];
    for (const d of unsigned.digests) {
      const i = wallet.publicKeys.indexOf(d.publicKey);
      if (!signers.includes(i)) continue;
      const sig = await signer.signDigest(keyIds[i], Buffer.from(d.digest, 'hex'));
      out.push({ publicKey: d.publicKey, digest: d.digest, r: sig.r.toString(16), s: sig.s.toString(16) });
    }
    return out;
  }

  const kmsSignCalls = () => kms.server.stats.byOperation.Sign ?? 0;

  beforeAll(async () => {
    [node, kms] = await Promise.all([startBitcoinRegtest(), startKmsLocal()]);
    signer = new KmsSigner({ ...kms.config });
    keyIds = await Promise.all([0, 1, 2].map(() => kms.createSigningKey()));
    const publicKeys = await Promise.all(keyIds.map(async (k) => (await signer.publicKey(k)).compressedHex));
    wallet = { id: 'hot-1', chain: 'bitcoin', threshold: 2, publicKeys };
    adapter = new BitcoinAdapter({
      network: 'regtest',
      rpcUrl: node.rpcUrl,
      rpcUser: node.rpcUser,
      rpcPassword: node.rpcPassword,
      feeRate: { min: 1, max: 50, default: 3 },
    });
    const change = adapter.changeAddress(wallet);
    adapter.watch([{ address: change.address, script: change.locator, ref: 'change', derivation: change.derivation }]);
    custodyAddresses.push(change.address);
    followed = node.height();
  });

  afterAll(async () => {
    signer?.destroy();
    await Promise.all([node?.stop(), kms?.stop()]);
  });

  it('reports deposits per output: two users in one transaction, one user twice in another, first unconfirmed then mined', async () => {
    const alice = depositAddress('alice');
    const bob = depositAddress('bob');
    const two = await node.send([
      { address: alice, sats: 1n * BTC },
      { address: bob, sats: 2n * BTC },
    ]);
    const twice = await node.send([
      { address: bob, sats: 30_000_000n },
      { address: bob, sats: 40_000_000n },
    ]);
    const seen = await adapter.mempool();
    expect(seen.map((t) => `${t.txid}:${t.index}:${t.address}:${t.amount}`).sort()).toEqual(
      [
        `${two.txid}:${two.vouts[0]}:${alice}:${1n * BTC}`,
        `${two.txid}:${two.vouts[1]}:${bob}:${2n * BTC}`,
        `${twice.txid}:${twice.vouts[0]}:${bob}:30000000`,
        `${twice.txid}:${twice.vouts[1]}:${bob}:40000000`,
      ].sort(),
    );
    await node.mine(1);
    const [block] = await follow();
    expect(block.transfers.map((t) => `${t.txid}:${t.index}:${t.amount}`).sort()).toEqual(
      seen.map((t) => `${t.txid}:${t.index}:${t.amount}`).sort(),
    );
    expect(await adapter.mempool()).toEqual([]);
  });

  it('pays a 2-of-3 batch of 55 outputs signed through kms-local; change returns to custody; the UTXO set matches the node', async () => {
    for (let i = 0; i < 6; i++) await node.fund(depositAddress(`user-${i}`), 1n * BTC);
    await node.mine(1);
    await follow();

    const kinds = [
      (i: number) => baddress.toBech32(h(`wpkh${i}`).subarray(0, 20), 0, 'bcrt'),
      (i: number) => baddress.toBech32(h(`wsh${i}`), 0, 'bcrt'),
      (i: number) => baddress.toBase58Check(h(`pkh${i}`).subarray(0, 20), networks.regtest.pubKeyHash),
      (i: number) => baddress.toBase58Check(h(`sh${i}`).subarray(0, 20), networks.regtest.scriptHash),
    ];
    const outputs: IntendedOutput[] = Array.from({ length: 55 }, (_, i) => ({
      ref: `wd-${i}`,
      address: kinds[i % 4](i),
      asset: 'BTC',
      amount: 1_000_000n + BigInt(i),
    }));
    const batch: WithdrawalBatch = { id: 'batch-55', wallet, outputs, fee: { feeRate: '4' } };
    const unsigned = await adapter.buildWithdrawal(batch);
    const signsBefore = kmsSignCalls();
    const signatures = await signThroughKms(unsigned, batch, [0, 2]);
    const inputs = Psbt.fromBase64(unsigned.payload, { network: networks.regtest }).inputCount;
    expect(kmsSignCalls() - signsBefore).toBe(inputs * 2);

    const signed = await adapter.finalize(unsigned, signatures);
    await expect(adapter.broadcast(signed)).resolves.toEqual({ txid: signed.txid, alreadyKnown: false });
    await expect(adapter.broadcast(signed)).resolves.toMatchObject({ txid: signed.txid });
    await expect(adapter.status(signed.txid)).resolves.toEqual({ state: 'mempool' });
    await node.mine(1);
    await expect(adapter.broadcast(signed)).resolves.toEqual({ txid: signed.txid, alreadyKnown: true });
    const [block] = await follow();
    const status = await adapter.status(signed.txid);
    expect(status).toMatchObject({ state: 'confirmed', height: block.height, blockHash: block.hash, confirmations: 1 });

    // The block shows the custody inputs spent (negative) and the change (positive, to the change address).
    const ours = block.transfers.filter((t) => t.txid === signed.txid);
    const spent = ours.filter((t) => t.amount < 0n);
    const change = ours.filter((t) => t.amount > 0n);
    expect(spent).toHaveLength(inputs);
    expect(change).toHaveLength(1);
    expect(change[0].address).toBe(adapter.changeAddress(wallet).address);
    const paid = outputs.reduce((a, o) => a + o.amount, 0n);
    expect(-spent.reduce((a, t) => a + t.amount, 0n)).toBe(paid + change[0].amount + unsigned.fee);

    // Every output the node holds for our custody addresses is in the adapter's UTXO set, and nothing else.
    const nodeView = (await node.unspent(custodyAddresses)).map((u) => `${u.txid}:${u.vout}:${u.value}`).sort();
    const ourView = adapter
      .custodyUtxos()
      .map((u) => `${u.txid}:${u.vout}:${u.value}`)
      .sort();
    expect(ourView).toEqual(nodeView);
    expect(nodeView.length).toBeGreaterThan(0);
  });

  it('never selects an input a broadcast withdrawal already spends, even when the caller does not list it as taken', async () => {
    const payTo = (s: string) => baddress.toBech32(h(s).subarray(0, 20), 0, 'bcrt');
    const first: WithdrawalBatch = {
      id: 'spend-1',
      wallet,
      outputs: [{ ref: 's1', address: payTo('s1'), asset: 'BTC', amount: 10_000_000n }],
      fee: { feeRate: '2' },
    };
    const unsigned = await adapter.buildWithdrawal(first);
    const signed = await adapter.finalize(unsigned, await signThroughKms(unsigned, first, [1, 2]));
    await adapter.broadcast(signed);
    // No `taken` set below: the spend is known only to the node's mempool.
    const firstInputs = Psbt.fromBase64(unsigned.payload, { network: networks.regtest }).txInputs.map(
      (i) => `${Buffer.from(i.hash).reverse().toString('hex')}:${i.index}`,
    );

    const second: WithdrawalBatch = {
      id: 'spend-2',
      wallet,
      outputs: [{ ref: 's2', address: payTo('s2'), asset: 'BTC', amount: 10_000_000n }],
      fee: { feeRate: '2' },
    };
    const next = await adapter.buildWithdrawal(second);
    const nextInputs = Psbt.fromBase64(next.payload, { network: networks.regtest }).txInputs.map(
      (i) => `${Buffer.from(i.hash).reverse().toString('hex')}:${i.index}`,
    );
    expect(nextInputs.filter((k) => firstInputs.includes(k))).toEqual([]);
    const signedNext = await adapter.finalize(next, await signThroughKms(next, second, [0, 1]));
    await expect(adapter.broadcast(signedNext)).resolves.toMatchObject({ alreadyKnown: false });
    await node.mine(1);
    await follow();
    await expect(adapter.status(signedNext.txid)).resolves.toMatchObject({ state: 'confirmed' });
  });

  it('never selects an outpoint the caller lists as taken (the durable reservations), and says so when nothing else is left', async () => {
    await follow();
    const payTo = (s: string) => baddress.toBech32(h(s).subarray(0, 20), 0, 'bcrt');
    const batch = (id: string): WithdrawalBatch => ({
      id,
      wallet,
      outputs: [{ ref: id, address: payTo(id), asset: 'BTC', amount: 1_000_000n }],
      fee: { feeRate: '2' },
    });
    const all = adapter
      .custodyUtxos()
      .filter((u) => u.height > 0)
      .map((u) => outpointKey(u.txid, u.vout));
    expect(all.length).toBeGreaterThan(1);
    const first = await adapter.buildWithdrawal(batch('taken-1'));
    const firstSpends = adapter.utxo.spentOutpoints(first.payload);
    // The same build with the first one's inputs taken picks others…
    const second = await adapter.buildWithdrawal(batch('taken-2'), { taken: new Set(firstSpends) });
    expect(adapter.utxo.spentOutpoints(second.payload).filter((k) => firstSpends.includes(k))).toEqual([]);
    // …without the set it would have picked the same (so the set is what kept them apart).
    expect(adapter.utxo.spentOutpoints((await adapter.buildWithdrawal(batch('taken-3'))).payload)).toEqual(firstSpends);
    await expect(adapter.buildWithdrawal(batch('taken-4'), { taken: new Set(all) })).rejects.toMatchObject({
      code: 'withdrawal.insufficient_custody_funds',
    });
  });

  it("CPFP: a child spending a stuck withdrawal's change lifts the package to the target rate; bcoin accepts and mines both", async () => {
    await follow();
    const payTo = (s: string) => baddress.toBech32(h(s).subarray(0, 20), 0, 'bcrt');
    const parentBatch: WithdrawalBatch = {
      id: 'cpfp-parent',
      wallet,
      outputs: [{ ref: 'p', address: payTo('cpfp-p'), asset: 'BTC', amount: 2_000_000n }],
      fee: { feeRate: '1' },
    };
    const unsigned = await adapter.buildWithdrawal(parentBatch);
    const parent = await adapter.finalize(unsigned, await signThroughKms(unsigned, parentBatch, [0, 2]));
    await adapter.broadcast(parent);
    const child = await adapter.utxo.buildCpfp(parent, unsigned.fee, wallet, 20);
    expect(() => adapter.utxo.checkCpfpIntent(child, parent, unsigned.fee, wallet)).not.toThrow();
    // A child paying elsewhere, or taking more than the cap allows, is refused before KMS signs.
    const greedy = await adapter.utxo.buildCpfp(parent, unsigned.fee, wallet, 49);
    // Without a rate: at least twice the parent's, within the ceiling.
    expect((await adapter.utxo.buildCpfp(parent, unsigned.fee, wallet)).fee).toBeGreaterThan(0n);
    expect(() =>
      adapter.utxo.checkCpfpIntent({ ...greedy, fee: greedy.fee + 1n }, parent, unsigned.fee, wallet),
    ).toThrow(IntentMismatchError);
    expect(() => adapter.utxo.checkCpfpIntent(child, parent, unsigned.fee, { ...wallet, threshold: 3 })).toThrow(
      IntentMismatchError,
    );
    const sigs: DigestSignature[] = [];
    for (const d of child.digests) {
      const i = wallet.publicKeys.indexOf(d.publicKey);
      if (i === 2) continue;
      const sig = await signer.signDigest(keyIds[i], Buffer.from(d.digest, 'hex'));
      sigs.push({ publicKey: d.publicKey, digest: d.digest, r: sig.r.toString(16), s: sig.s.toString(16) });
    }
    const signedChild = await adapter.finalize(child, sigs);
    await expect(adapter.broadcast(signedChild)).resolves.toMatchObject({ alreadyKnown: false });
    const parentTx = Transaction.fromHex(parent.raw);
    const childTx = Transaction.fromHex(signedChild.raw);
    const rate = Number(unsigned.fee + child.fee) / (parentTx.virtualSize() + childTx.virtualSize());
    expect(rate).toBeGreaterThanOrEqual(19.5);
    expect(Number(unsigned.fee) / parentTx.virtualSize()).toBeLessThan(2);
    await node.mine(1);
    await follow();
    await expect(adapter.status(parent.txid)).resolves.toMatchObject({ state: 'confirmed' });
    await expect(adapter.status(signedChild.txid)).resolves.toMatchObject({ state: 'confirmed' });
    expect(adapter.custodyUtxos().some((u) => u.txid === signedChild.txid)).toBe(true);
  });

  it('inputStates: a transaction whose input another mined transaction spent is a conflict; one whose parent is unknown is not', async () => {
    await follow();
    const payTo = (s: string) => baddress.toBech32(h(s).subarray(0, 20), 0, 'bcrt');
    const a: WithdrawalBatch = {
      id: 'conflict-a',
      wallet,
      outputs: [{ ref: 'a', address: payTo('ca'), asset: 'BTC', amount: 1_000_000n }],
      fee: { feeRate: '2' },
    };
    const b: WithdrawalBatch = {
      id: 'conflict-b',
      wallet,
      outputs: [{ ref: 'b', address: payTo('cb'), asset: 'BTC', amount: 1_500_000n }],
      fee: { feeRate: '2' },
    };
    const ua = await adapter.buildWithdrawal(a);
    const ub = await adapter.buildWithdrawal(b); // same inputs: nothing reserved them
    expect(adapter.utxo.spentOutpoints(ub.payload)).toEqual(adapter.utxo.spentOutpoints(ua.payload));
    const sa = await adapter.finalize(ua, await signThroughKms(ua, a, [0, 1]));
    const sb = await adapter.finalize(ub, await signThroughKms(ub, b, [0, 1]));
    await adapter.broadcast(sa);
    await node.mine(1);
    await follow();
    await expect(adapter.broadcast(sb)).rejects.toMatchObject({
      code: 'bitcoin.broadcast_rejected',
      extra: { rpcCode: -25 },
    });
    expect((await adapter.utxo.inputStates(sb.raw)).map((i) => i.state)).toContain('spent');
    // A child of a transaction the node never saw: its input is missing, not spent by someone else.
    const orphan = Transaction.fromHex(sb.raw);
    orphan.ins[0].hash = h('never-seen');
    expect((await adapter.utxo.inputStates(orphan.toHex()))[0].state).toBe('missing');
    expect((await adapter.utxo.inputStates(sa.raw)).every((i) => i.state === 'spent')).toBe(true);
  });

  describe('a tampered PSBT is stopped by the intent check before KMS signs anything', () => {
    const dest = (s: string) => baddress.toBech32(h(s).subarray(0, 20), 0, 'bcrt');
    let batch: WithdrawalBatch;
    let honest: UnsignedChainTx;

    /** An attacker rewriting the PSBT's outputs and (consistently) the digests to sign. */
    function tamper(
      unsigned: UnsignedChainTx,
      mutate: (outs: { script: Buffer; value: bigint }[]) => { script: Buffer; value: bigint }[],
    ): UnsignedChainTx {
      const original = Psbt.fromBase64(unsigned.payload, { network: networks.regtest });
      const psbt = new Psbt({ network: networks.regtest });
      original.txInputs.forEach((input, i) => {
        const data = original.data.inputs[i];
        psbt.addInput({
          hash: input.hash,
          index: input.index,
          sequence: input.sequence,
          witnessUtxo: data.witnessUtxo,
          witnessScript: data.witnessScript,
        });
      });
      for (const o of mutate(original.txOutputs.map((o) => ({ script: Buffer.from(o.script), value: o.value }))))
        psbt.addOutput(o);
      const digests = inputDigests(psbt).flatMap((d) =>
        d.keys.map((publicKey) => ({ publicKey, digest: d.digest, purpose: `input ${d.input}` })),
      );
      return { ...unsigned, payload: psbt.toBase64(), digests };
    }

    beforeAll(async () => {
      batch = {
        id: 'batch-tamper',
        wallet,
        outputs: [1, 2, 3].map((i) => ({
          ref: `t-${i}`,
          address: dest(`t${i}`),
          asset: 'BTC',
          amount: 500_000n * BigInt(i),
        })),
        fee: { feeRate: '2' },
      };
      honest = await adapter.buildWithdrawal(batch);
    });

    const thief = () => Buffer.from(baddress.toOutputScript(dest('thief'), networks.regtest));
    const cases: [string, (outs: { script: Buffer; value: bigint }[]) => { script: Buffer; value: bigint }[]][] = [
      ['a changed amount', (outs) => outs.map((o, i) => (i === 0 ? { ...o, value: o.value + 100_000n } : o))],
      [
        'an extra output',
        (outs) => [
          ...outs.slice(0, -1),
          { ...outs[outs.length - 1], value: outs[outs.length - 1].value - 100_000n },
          { script: thief(), value: 90_000n },
        ],
      ],
      [
        'a changed change address',
        (outs) => outs.map((o, i) => (i === outs.length - 1 ? { ...o, script: thief() } : o)),
      ],
      ['a missing output', (outs) => outs.slice(1)],
    ];

    it.each(cases)('%s', async (_name, mutate) => {
      const before = kmsSignCalls();
      await expect(signThroughKms(tamper(honest, mutate), batch, [0, 1])).rejects.toThrow(IntentMismatchError);
      expect(kmsSignCalls()).toBe(before);
    });

    it('the untampered PSBT passes the same check (so the check is what stops the others)', () => {
      expect(() => adapter.checkIntent(honest, batch)).not.toThrow();
    });
  });

  it('refuses bad destinations, dust and fee rates outside the policy with clear codes', async () => {
    const one = (address: string, amount = 100_000n, fee: Record<string, string> = { feeRate: '2' }) =>
      adapter.buildWithdrawal({
        id: `bad-${address}-${amount}`,
        wallet,
        outputs: [{ ref: 'x', address, asset: 'BTC', amount }],
        fee,
      });
    await expect(one('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')).rejects.toMatchObject({
      code: 'address.wrong_network',
    });
    await expect(one('bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt08q')).rejects.toMatchObject({
      code: 'address.checksum',
    });
    await expect(one('not-an-address')).rejects.toMatchObject({ code: 'address.malformed' });
    await expect(one(baddress.toBech32(h('d').subarray(0, 20), 0, 'bcrt'), 293n)).rejects.toMatchObject({
      code: 'withdrawal.dust_output',
    });
    await expect(
      one(baddress.toBech32(h('d').subarray(0, 20), 0, 'bcrt'), 100_000n, { feeRate: '500' }),
    ).rejects.toMatchObject({ code: 'withdrawal.fee_rate_out_of_bounds' });
    expect(adapter.validateAddress('BCRT1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KYGT080')).toEqual({
      ok: true,
      normalized: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080',
    });
  });

  it('a real reorg shows in block(height).parentHash, and drops the deposit the orphaned block carried', async () => {
    await follow();
    const carol = depositAddress('carol');
    const deposit = await node.fund(carol, 25_000_000n);
    await node.mine(1);
    const [old] = await follow();
    expect(old.transfers.some((t) => t.txid === deposit.txid)).toBe(true);
    const below = await adapter.block(old.height - 1);

    const result = await node.reorg(1, { extra: 1 });
    expect(result.orphaned).toEqual([old.hash]);
    expect(result.evicted).toContain(deposit.txid);

    const replaced = await adapter.block(old.height);
    const next = await adapter.block(old.height + 1);
    expect(replaced.hash).not.toBe(old.hash);
    expect(replaced.parentHash).toBe(below.hash);
    expect(next.parentHash).toBe(replaced.hash);
    expect(next.parentHash).not.toBe(old.hash); // what a follower holding `old` notices
    expect([...replaced.transfers, ...next.transfers].some((t) => t.txid === deposit.txid)).toBe(false);
    expect(adapter.custodyUtxos().some((u) => u.txid === deposit.txid)).toBe(false);
    await expect(adapter.status(deposit.txid)).resolves.toEqual({ state: 'unknown' });
  });
});
