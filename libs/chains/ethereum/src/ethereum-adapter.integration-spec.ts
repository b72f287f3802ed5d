import { IntentMismatchError, type WithdrawalBatch } from '@strongroom/chains-core';
import { KmsSigner } from '@strongroom/keys';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { setupEthereumCustody, type EthereumCustody } from './dev/dev-custody';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { Transaction, Wallet, concat, dataSlice, getBytes, toBeHex } from 'ethers';
import { EthereumAdapter } from './ethereum-adapter';
import { SAFE_ABI, SAFE_V141, SWEEPER_FACTORY_ABI } from './constants';
import { SWEEPER_FACTORY_ADDRESS } from './contracts';
import { encodeExecTransaction } from './logic/encode-exec-transaction';
import { parsePayload } from './logic/parse-payload';
import { serializePayload } from './logic/serialize-payload';
import { decodeExecTransaction } from './logic/decode-exec-transaction';

const ETH = 10n ** 18n;
const USD = 10n ** 6n;

describe('EthereumAdapter on anvil with kms-local keys', () => {
  let anvil: Anvil;
  let kms: KmsLocalHandle;
  let signer: KmsSigner;
  let c: EthereumCustody;
  let usdc: string;
  let bad: string;
  const recipients = Array.from({ length: 3 }, () => Wallet.createRandom().address);
  const kmsSignatures = () => kms.server.stats.signatures;

  beforeAll(async () => {
    [anvil, kms] = await Promise.all([startAnvil(), startKmsLocal()]);
    signer = new KmsSigner(kms.config);
    const owners = await Promise.all([0, 1, 2].map(() => kms.createSigningKey()));
    const relayer = await kms.createSigningKey();
    await anvil.deploySafeContracts();
    usdc = await anvil.deployToken({ symbol: 'USDC', decimals: 6 });
    bad = await anvil.deployToken({ symbol: 'BAD', decimals: 6, returnsFalse: true });
    c = await setupEthereumCustody(anvil, signer, { owners, relayer, threshold: 2 }, [
      { asset: 'USDC', address: usdc },
      { asset: 'BAD', address: bad },
    ]);
  });

  afterAll(async () => {
    c?.adapter.close();
    signer?.destroy();
    await Promise.all([anvil?.stop(), kms?.stop()]);
  });

  const batchOf = (id: string, outputs: WithdrawalBatch['outputs']): WithdrawalBatch => ({
    id,
    wallet: c.wallet,
    outputs,
  });

  /** The full signing path: build → intent check → owners (2 of 3) → relay round → intent check → relayer → broadcast. */
  async function withdraw(batch: WithdrawalBatch, signers = [0, 1]) {
    const unsigned = await c.adapter.buildWithdrawal(batch);
    c.adapter.checkIntent(unsigned, batch);
    const sigs = await c.sign(
      unsigned.digests,
      signers.map((i) => c.owners[i].publicKey),
    );
    const relay = await c.adapter.prepareRelay(unsigned, sigs, await c.relayOptions());
    c.adapter.checkIntent(relay, batch);
    const txid = await c.submit(relay);
    return { unsigned, relay, txid };
  }

  it('deploys the Safe v1.4.1 contracts at their canonical addresses with the expected code hashes, and the Safe with KMS owners', async () => {
    const checks = await c.adapter.ensureDeployment();
    expect(checks.map((x) => x.contract)).toEqual([
      'singleton',
      'proxyFactory',
      'multiSendCallOnly',
      'fallbackHandler',
      'sweeperFactory',
    ]);
    for (const x of checks) expect(x.actual).toBe(x.expected);
    const state = await c.adapter.safeState(c.safe);
    expect(new Set(state.owners)).toEqual(new Set(c.owners.map((o) => o.address)));
    expect(state.threshold).toBe(2);
  });

  it('derives the same CREATE2 deposit address as the factory contract does', async () => {
    const d = c.adapter.deriveDepositAddress(c.wallet, 'acme/u1/ETH/0');
    const onChain = SWEEPER_FACTORY_ABI.decodeFunctionResult(
      'depositAddress',
      await anvil.rpc('eth_call', [
        {
          to: SWEEPER_FACTORY_ADDRESS,
          data: SWEEPER_FACTORY_ABI.encodeFunctionData('depositAddress', [c.safe, d.locator]),
        },
        'latest',
      ]),
    )[0];
    expect(onChain).toBe(d.address);
  });

  it('reports ETH and ERC-20 deposits to watched addresses from block(height), keyed by (txhash, native|logIndex), and nothing else', async () => {
    const a = c.adapter.deriveDepositAddress(c.wallet, 'acme/u2/ETH/0').address;
    const b = c.adapter.deriveDepositAddress(c.wallet, 'acme/u3/USDC/0').address;
    const stranger = Wallet.createRandom().address;
    c.adapter.watch([
      { address: a, ref: 'a' },
      { address: b, ref: 'b' },
    ]);
    const ethTx = await anvil.sendEth(a, 3n * ETH);
    const hEth = await anvil.height();
    await anvil.sendEth(stranger, ETH);
    await anvil.mintToken(usdc, anvil.accounts[0], 1_000n * USD);
    const tokTx = await anvil.transferToken(usdc, b, 250n * USD);
    const hTok = await anvil.height();
    await anvil.transferToken(usdc, stranger, 1n * USD);

    const blockEth = await c.adapter.block(hEth);
    expect(blockEth.transfers).toEqual([{ txid: ethTx, index: 'native', address: a, asset: 'ETH', amount: 3n * ETH }]);
    const blockTok = await c.adapter.block(hTok);
    const receipt = await anvil.provider.getTransactionReceipt(tokTx);
    expect(blockTok.transfers).toEqual([
      { txid: tokTx, index: String(receipt!.logs[0].index), address: b, asset: 'USDC', amount: 250n * USD },
    ]);
    expect(blockTok.parentHash).toBe((await c.adapter.block(hTok - 1)).hash);
    expect((await c.adapter.block(hTok + 1)).transfers).toEqual([]);
  });

  it('sweeps deposits made before any code exists into the Safe, reports amounts and gas, and can sweep the same address again', async () => {
    const tags = ['acme/u4/ETH/0', 'acme/u5/USDC/0'];
    const [a, b] = tags.map((t) => c.adapter.deriveDepositAddress(c.wallet, t).address);
    await anvil.sendEth(a, 2n * ETH);
    await anvil.mintToken(usdc, a, 7n * USD);
    await anvil.mintToken(usdc, b, 40n * USD);
    expect(await anvil.provider.getCode(a)).toBe('0x');
    const safeEth = await anvil.balance(c.safe);
    const safeUsd = await anvil.tokenBalance(usdc, c.safe);
    const relayerBefore = await anvil.balance(c.relayer.address);

    const txid = await c.submit(await c.adapter.buildSweep(c.wallet, tags, ['ETH', 'USDC'], await c.relayOptions()));
    const result = await c.adapter.sweepResult(txid);

    expect(await anvil.balance(c.safe)).toBe(safeEth + 2n * ETH);
    expect(await anvil.tokenBalance(usdc, c.safe)).toBe(safeUsd + 47n * USD);
    for (const addr of [a, b]) {
      expect(await anvil.balance(addr)).toBe(0n);
      expect(await anvil.tokenBalance(usdc, addr)).toBe(0n);
      expect(await anvil.provider.getCode(addr)).toBe('0x'); // self-destructed in the creating transaction
    }
    expect(result.swept).toEqual(
      expect.arrayContaining([
        { address: a, asset: 'USDC', amount: 7n * USD },
        { address: a, asset: 'ETH', amount: 2n * ETH },
        { address: b, asset: 'USDC', amount: 40n * USD },
      ]),
    );
    expect(result.swept).toHaveLength(3);
    expect(result.fee).toBe(relayerBefore - (await anvil.balance(c.relayer.address)));
    expect(result.gasUsed).toBeGreaterThan(21_000n);

    // A later plain deposit to the same address, and a second sweep deploying there again.
    await anvil.sendEth(a, ETH);
    const again = await c.adapter.sweepResult(
      await c.submit(await c.adapter.buildSweep(c.wallet, [tags[0]], ['ETH'], await c.relayOptions())),
    );
    expect(again.swept).toEqual([{ address: a, asset: 'ETH', amount: ETH }]);
    expect(await anvil.balance(c.safe)).toBe(safeEth + 3n * ETH);
  });

  it('executes a batch of ETH and ERC-20 withdrawals signed 2-of-3 through kms-local', async () => {
    await anvil.fund(c.safe, 10n * ETH);
    await anvil.mintToken(usdc, c.safe, 500n * USD);
    const before = await Promise.all(
      recipients.map((r) => Promise.all([anvil.balance(r), anvil.tokenBalance(usdc, r)])),
    );
    const safeUsd = await anvil.tokenBalance(usdc, c.safe);
    const batch = batchOf('batch-1', [
      { ref: 'w1', address: recipients[0], asset: 'ETH', amount: ETH },
      { ref: 'w2', address: recipients[1], asset: 'USDC', amount: 12n * USD },
      { ref: 'w3', address: recipients[2], asset: 'USDC', amount: 30n * USD },
      { ref: 'w4', address: recipients[2], asset: 'ETH', amount: 2n * ETH },
    ]);
    const { txid, unsigned } = await withdraw(batch, [2, 0]);
    // Our EIP-712 SafeTx hash is the one the Safe itself computes.
    const p = parsePayload(unsigned.payload);
    if (p.kind !== 'safe-tx') throw new Error('safe-tx payload expected');
    const t = p.safeTx;
    const onChainHash = SAFE_ABI.decodeFunctionResult(
      'getTransactionHash',
      await anvil.rpc('eth_call', [
        {
          to: c.safe,
          data: SAFE_ABI.encodeFunctionData('getTransactionHash', [
            t.to,
            t.value,
            t.data,
            t.operation,
            t.safeTxGas,
            t.baseGas,
            t.gasPrice,
            t.gasToken,
            t.refundReceiver,
            t.nonce,
          ]),
        },
        'latest',
      ]),
    )[0];
    expect(unsigned.digests.map((d) => d.digest)).toEqual([onChainHash, onChainHash, onChainHash]);

    expect(await c.adapter.status(txid)).toMatchObject({ state: 'confirmed', confirmations: 1 });
    expect(await anvil.balance(recipients[0])).toBe(before[0][0] + ETH);
    expect(await anvil.tokenBalance(usdc, recipients[1])).toBe(before[1][1] + 12n * USD);
    expect(await anvil.tokenBalance(usdc, recipients[2])).toBe(before[2][1] + 30n * USD);
    expect(await anvil.balance(recipients[2])).toBe(before[2][0] + 2n * ETH);
    expect(await anvil.tokenBalance(usdc, c.safe)).toBe(safeUsd - 42n * USD);
    const receipt = await anvil.provider.getTransactionReceipt(txid);
    const transfers = receipt!.logs
      .filter((l) => l.address === usdc)
      .map((l) => [dataSlice(l.topics[2], 12), BigInt(l.data)]);
    expect(transfers).toEqual([
      [recipients[1].toLowerCase(), 12n * USD],
      [recipients[2].toLowerCase(), 30n * USD],
    ]);
  });

  it('re-broadcasting a signed transaction after a crash submits it once: the second send is "already known"', async () => {
    const batch = batchOf('batch-7', [{ ref: 'w11', address: recipients[1], asset: 'ETH', amount: 11n }]);
    const unsigned = await c.adapter.buildWithdrawal(batch);
    const relay = await c.adapter.prepareRelay(
      unsigned,
      await c.sign(unsigned.digests, [c.owners[0].publicKey, c.owners[1].publicKey]),
      await c.relayOptions(),
    );
    // The signed transaction is what libs/withdrawals stores before the first send.
    const signed = await c.adapter.finalize(relay, await c.sign(relay.digests));
    const before = await anvil.balance(recipients[1]);
    await anvil.setAutomine(false);
    try {
      expect(await c.adapter.broadcast(signed)).toEqual({ txid: signed.txid, alreadyKnown: false });
      expect(await c.adapter.broadcast(signed)).toEqual({ txid: signed.txid, alreadyKnown: true }); // in the pool
      await anvil.mine(1);
    } finally {
      await anvil.setAutomine(true);
    }
    expect(await c.adapter.broadcast(signed)).toEqual({ txid: signed.txid, alreadyKnown: true }); // mined
    expect(await c.adapter.status(signed.txid)).toMatchObject({ state: 'confirmed' });
    expect(await anvil.balance(recipients[1])).toBe(before + 11n);
  });

  it('reads balances per asset at a height, for sweep scheduling and reconciliation', async () => {
    const h = await anvil.height();
    const now = await c.adapter.balances(c.safe, ['ETH', 'USDC']);
    expect(now).toEqual({ ETH: await anvil.balance(c.safe), USDC: await anvil.tokenBalance(usdc, c.safe) });
    await anvil.mintToken(usdc, c.safe, 1n);
    expect((await c.adapter.balances(c.safe, ['USDC'], h)).USDC).toBe(now.USDC);
    expect((await c.adapter.balances(c.safe, ['USDC'])).USDC).toBe(now.USDC + 1n);
  });

  it('refuses a short or non-owner signature set before anything is submitted', async () => {
    const batch = batchOf('batch-2', [{ ref: 'w5', address: recipients[0], asset: 'ETH', amount: 1n }]);
    const unsigned = await c.adapter.buildWithdrawal(batch);
    const [one] = await c.sign(unsigned.digests, [c.owners[0].publicKey]);
    const nonceBefore = await anvil.provider.getTransactionCount(c.relayer.address);
    await expect(c.adapter.prepareRelay(unsigned, [one], await c.relayOptions())).rejects.toMatchObject({
      code: 'withdrawal.signatures_short',
    });
    await expect(c.adapter.prepareRelay(unsigned, [one, one], await c.relayOptions())).rejects.toMatchObject({
      code: 'withdrawal.signatures_short',
    });

    const stranger = await kms.createSigningKey();
    const pk = await signer.publicKey(stranger);
    const sig = await signer.signDigest(stranger, getBytes(unsigned.digests[0].digest));
    const foreign = {
      publicKey: pk.compressedHex,
      digest: unsigned.digests[0].digest,
      r: toBeHex(sig.r, 32),
      s: toBeHex(sig.s, 32),
      recovery: sig.recovery,
    };
    await expect(c.adapter.prepareRelay(unsigned, [one, foreign], await c.relayOptions())).rejects.toMatchObject({
      code: 'withdrawal.signature_not_owner',
    });
    // A non-owner key passed off as an owner's: recovers to the stranger, not the owner.
    await expect(
      c.adapter.prepareRelay(unsigned, [one, { ...foreign, publicKey: c.owners[1].publicKey }], await c.relayOptions()),
    ).rejects.toMatchObject({ code: 'withdrawal.signature_invalid' });
    expect(await anvil.provider.getTransactionCount(c.relayer.address)).toBe(nonceBefore);
  });

  it('refuses at broadcast a relayer transaction whose Safe signatures are unsorted or short, checked against the Safe on chain', async () => {
    const batch = batchOf('batch-3', [{ ref: 'w6', address: recipients[1], asset: 'ETH', amount: 5n }]);
    const unsigned = await c.adapter.buildWithdrawal(batch);
    const relay = await c.adapter.prepareRelay(
      unsigned,
      await c.sign(unsigned.digests, [c.owners[0].publicKey, c.owners[1].publicKey]),
      await c.relayOptions(),
    );
    const p = parsePayload(relay.payload);
    if (p.kind !== 'relay') throw new Error('relay payload expected');
    const tx = Transaction.from(p.unsignedTx);
    const { tx: safeTx, signatures } = decodeExecTransaction(tx.data, p.safeNonce!);
    const sigBytes = getBytes(signatures);
    const swapped = concat([sigBytes.slice(65, 130), sigBytes.slice(0, 65)]);
    const short = concat([sigBytes.slice(0, 65)]);
    const safeNonce = (await c.adapter.safeState(c.safe)).nonce;
    for (const [bytes, code] of [
      [swapped, 'withdrawal.signatures_unsorted'],
      [short, 'withdrawal.signatures_short'],
    ] as const) {
      const forged = Transaction.from({ ...tx.toJSON(), data: encodeExecTransaction(safeTx, bytes) });
      const sig = await signer.signDigest(c.relayer.keyId, getBytes(forged.unsignedHash));
      forged.signature = { r: toBeHex(sig.r, 32), s: toBeHex(sig.s, 32), yParity: sig.recovery };
      await expect(
        c.adapter.broadcast({ chain: 'ethereum', batchId: 'forged', txid: forged.hash!, raw: forged.serialized }),
      ).rejects.toMatchObject({ code });
    }
    expect(await anvil.provider.getTransactionCount(c.relayer.address)).toBe(tx.nonce);
    expect((await c.adapter.safeState(c.safe)).nonce).toBe(safeNonce);
    // The honest one still goes through with that nonce.
    expect(await c.adapter.status(await c.submit(relay))).toMatchObject({ state: 'confirmed' });
  });

  it('stops a tampered batch at the intent check, before any digest reaches KMS', async () => {
    const batch = batchOf('batch-4', [
      { ref: 'w7', address: recipients[0], asset: 'ETH', amount: ETH },
      { ref: 'w8', address: recipients[1], asset: 'USDC', amount: 3n * USD },
    ]);
    const unsigned = await c.adapter.buildWithdrawal(batch);
    const p = parsePayload(unsigned.payload);
    if (p.kind !== 'safe-tx') throw new Error('safe-tx payload expected');
    const attacker = Wallet.createRandom().address;
    // Tampered payload: the same batch re-pointed at an attacker, digests recomputed to match.
    const evil = await c.adapter.buildWithdrawal(
      batchOf('batch-4', [batch.outputs[0], { ...batch.outputs[1], address: attacker }]),
    );
    // Tampered approval: the payload is honest but the approved batch says something else.
    const otherBatch = batchOf('batch-4', [batch.outputs[0], { ...batch.outputs[1], amount: 4n * USD }]);
    // Tampered digests: honest payload, but one requested digest is another hash.
    const swappedDigest = {
      ...unsigned,
      digests: unsigned.digests.map((d, i) => (i === 0 ? { ...d, digest: evil.digests[0].digest } : d)),
    };
    // A delegatecall somewhere else than MultiSendCallOnly.
    const delegate = { ...p, safeTx: { ...p.safeTx, to: SAFE_V141.singleton.address } };
    // Owners swapped for the attacker's key in the payload (prepareRelay would trust them).
    const fakeOwners = { ...unsigned, payload: serializePayload({ ...p, owners: [attacker, ...p.owners.slice(1)] }) };
    const signedBefore = kmsSignatures();
    const signIfIntentHolds = async (u: typeof unsigned, b: WithdrawalBatch) => {
      c.adapter.checkIntent(u, b);
      await c.sign(u.digests);
    };
    await expect(signIfIntentHolds(evil, batch)).rejects.toThrow(IntentMismatchError);
    await expect(signIfIntentHolds(unsigned, otherBatch)).rejects.toThrow(IntentMismatchError);
    await expect(signIfIntentHolds(swappedDigest, batch)).rejects.toThrow(IntentMismatchError);
    await expect(signIfIntentHolds({ ...unsigned, payload: serializePayload(delegate) }, batch)).rejects.toThrow(
      IntentMismatchError,
    );
    await expect(signIfIntentHolds(fakeOwners, batch)).rejects.toThrow(IntentMismatchError);
    expect(kmsSignatures()).toBe(signedBefore);
    // And the honest pair passes and signs.
    await signIfIntentHolds(unsigned, batch);
    expect(kmsSignatures()).toBe(signedBefore + 3);
  });

  it('reports a token transfer that returned false as failed, although the Safe emitted ExecutionSuccess', async () => {
    // The Safe holds no BAD: the token returns false instead of reverting.
    const batch = batchOf('batch-5', [{ ref: 'w9', address: recipients[0], asset: 'BAD', amount: 5n * USD }]);
    const { txid } = await withdraw(batch);
    const receipt = await anvil.provider.getTransactionReceipt(txid);
    expect(receipt!.status).toBe(1);
    expect(
      receipt!.logs.some(
        (l) => l.address === c.safe && l.topics[0] === SAFE_ABI.getEvent('ExecutionSuccess')!.topicHash,
      ),
    ).toBe(true);
    expect(await c.adapter.status(txid)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/Transfer|returned false/),
    });
  });

  it('makes a reorg visible through parent hashes, and a reorged-away deposit disappears', async () => {
    const a = c.adapter.deriveDepositAddress(c.wallet, 'acme/u6/ETH/0').address;
    c.adapter.watch([{ address: a, ref: 'a6' }]);
    await anvil.sendEth(a, ETH);
    const h = await anvil.height();
    await anvil.mine(1);
    const old = await c.adapter.block(h);
    const oldChild = await c.adapter.block(h + 1);
    expect(old.transfers).toHaveLength(1);
    expect(oldChild.parentHash).toBe(old.hash);

    await anvil.reorg(2);

    const replaced = await c.adapter.block(h);
    const child = await c.adapter.block(h + 1);
    expect(replaced.hash).not.toBe(old.hash);
    expect(child.parentHash).toBe(replaced.hash);
    expect(child.parentHash).not.toBe(old.hash); // a follower holding `old` sees the fork here
    expect(replaced.parentHash).toBe((await c.adapter.block(h - 1)).hash);
    expect(replaced.transfers).toEqual([]);
  });

  it('replaces a stuck submission with the same nonce and higher fees', async () => {
    const batch = batchOf('batch-6', [{ ref: 'w10', address: recipients[2], asset: 'ETH', amount: 7n }]);
    const unsigned = await c.adapter.buildWithdrawal(batch);
    const sigs = await c.sign(unsigned.digests, [c.owners[1].publicKey, c.owners[2].publicKey]);
    await anvil.setAutomine(false);
    try {
      const relay = await c.adapter.prepareRelay(
        unsigned,
        sigs,
        await c.relayOptions({ maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n }),
      );
      const first = await c.submit(relay);
      expect(await c.adapter.status(first)).toEqual({ state: 'mempool' });
      const bumped = c.adapter.relayer.replaceRelay(relay, { maxPriorityFeePerGas: 2_000_000_000n });
      c.adapter.checkIntent(bumped, batch);
      const a = Transaction.from(
        parsePayload(relay.payload).kind === 'relay'
          ? (parsePayload(relay.payload) as { unsignedTx: string }).unsignedTx
          : '0x',
      );
      const b = Transaction.from((parsePayload(bumped.payload) as { unsignedTx: string }).unsignedTx);
      expect(b.nonce).toBe(a.nonce);
      expect(b.maxPriorityFeePerGas! * 10n).toBeGreaterThanOrEqual(a.maxPriorityFeePerGas! * 11n);
      expect(b.maxFeePerGas! * 10n).toBeGreaterThanOrEqual(a.maxFeePerGas! * 11n);
      expect(() => c.adapter.relayer.replaceRelay(relay, {}, a.maxFeePerGas!)).toThrow(
        expect.objectContaining({ code: 'withdrawal.fee_ceiling' }),
      );
      const second = await c.submit(bumped);
      expect(second).not.toBe(first);
      await anvil.mine(1);
      expect(await c.adapter.status(second)).toMatchObject({ state: 'confirmed' });
      expect(await c.adapter.status(first)).toEqual({ state: 'unknown' });
    } finally {
      await anvil.setAutomine(true);
    }
  });

  it('validates destination addresses: format, EIP-55, zero and our own addresses', () => {
    const deposit = c.adapter.deriveDepositAddress(c.wallet, 'acme/u2/ETH/0').address;
    expect(c.adapter.validateAddress(recipients[0])).toEqual({ ok: true, normalized: recipients[0] });
    expect(c.adapter.validateAddress(recipients[0].toLowerCase())).toEqual({ ok: true, normalized: recipients[0] });
    expect(c.adapter.validateAddress('0x1234')).toMatchObject({ ok: false, code: 'address.malformed' });
    const flipped = recipients[0].replace(/[a-f]/, (ch) => ch.toUpperCase());
    if (flipped !== recipients[0])
      expect(c.adapter.validateAddress(flipped)).toMatchObject({ ok: false, code: 'address.checksum' });
    for (const ours of [c.safe, c.relayer.address, deposit, usdc, '0x0000000000000000000000000000000000000000']) {
      expect(c.adapter.validateAddress(ours)).toMatchObject({ ok: false, code: 'address.refused' });
    }
  });

  it('refuses to run against a node on another chain', async () => {
    const wrong = new EthereumAdapter({ rpcUrl: anvil.rpcUrl, network: 'anvil', chainId: 1n, tokens: [] });
    await expect(wrong.ensureDeployment()).rejects.toThrow(/chain/);
    wrong.close();
  });
});
