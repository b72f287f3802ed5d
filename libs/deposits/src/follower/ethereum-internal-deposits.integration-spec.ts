import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EthereumAdapter, setupEthereumCustody, type EthereumCustody } from '@strongroom/chains-ethereum';
import { KmsSigner } from '@strongroom/keys';
import { LedgerService } from '@strongroom/ledger';
import { AssetRegistry } from '@strongroom/shared-assets';
import { describeEachBackend } from '@strongroom/testing';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { Contract, ContractFactory, toQuantity, type InterfaceAbi } from 'ethers';
import { DepositAddresses } from '../addresses/deposit-addresses';
import { DepositQueries } from '../deposit-queries';
import { depositsContext } from '../deposits.context';
import { CustodyWallets } from '../wallets/custody-wallets';
import { depositTransferId } from './deposit-book';
import { DepositFollower } from './deposit-follower';

/**
 * ETH paid to deposit addresses by a contract's internal calls (contracts/test/TestForwarder.sol),
 * through the real follower and the Ethereum adapter reading anvil's traces (trace_block, the dev
 * default; callTracer must read the same): credited once after the confirmations under the index
 * `i<k>`, also when a reorg moves it to another block; a payment inside a reverted frame, or a
 * DELEGATECALL carrying value, credits nothing; our own sweep (a CREATE2 at the deposit address
 * that self-destructs into the Safe) is not a deposit.
 */
const ETH = 10n ** 18n;
const CONFIRMATIONS = 3;

let anvil: Anvil;
let kms: KmsLocalHandle;
let signer: KmsSigner;
let custody: EthereumCustody;
let forwarder: Contract;
const adapters: EthereumAdapter[] = [];

beforeAll(async () => {
  [anvil, kms] = await Promise.all([startAnvil(), startKmsLocal()]);
  signer = new KmsSigner(kms.config);
  const owners = await Promise.all([0, 1, 2].map(() => kms.createSigningKey()));
  custody = await setupEthereumCustody(anvil, signer, { owners, relayer: await kms.createSigningKey(), threshold: 2 });
  const file = path.join(__dirname, '..', '..', '..', 'chains', 'ethereum', 'contracts', 'artifacts', 'contracts.json');
  const { abi, bytecode } = (
    JSON.parse(readFileSync(file, 'utf8')) as { contracts: Record<string, { abi: InterfaceAbi; bytecode: string }> }
  ).contracts.TestForwarder;
  const deployed = await new ContractFactory(abi, bytecode, await anvil.signer(0)).deploy();
  await anvil.waitMined(deployed.deploymentTransaction()!.hash);
  forwarder = new Contract(await deployed.getAddress(), abi, await anvil.signer(0));
});
afterAll(async () => {
  for (const a of adapters) a.close();
  custody?.adapter.close();
  signer?.destroy();
  await Promise.all([anvil?.stop(), kms?.stop()]);
});

describeEachBackend('Ethereum deposits paid by internal calls, on anvil', { contexts: [depositsContext] }, (ctx) => {
  let ledger: LedgerService;
  let queries: DepositQueries;
  let addresses: DepositAddresses;
  let follower: DepositFollower;
  const client = `c${Math.random().toString(36).slice(2, 8)}`;

  const adapter = (internalTransfers?: 'off' | 'callTracer' | 'parityTrace') => {
    const a = new EthereumAdapter({
      rpcUrl: anvil.rpcUrl,
      network: 'anvil',
      chainId: anvil.chainId,
      tokens: [],
      ...(internalTransfers ? { internalTransfers } : {}),
    });
    adapters.push(a);
    return a;
  };
  const startFollower = async (from?: number) =>
    new DepositFollower({
      db: ctx().db,
      adapter: adapter(),
      assets: new AssetRegistry().withAssets([{ code: 'ETH', confirmations: CONFIRMATIONS }]),
      ledger,
      startHeight: from ?? (await anvil.height()) + 1,
    });
  const issue = async (user: string) =>
    (await addresses.issue({ clientId: client, userId: user, asset: 'ETH' })).address;
  const balance = async (user: string): Promise<bigint> => {
    const a = await ledger.findAccount({ clientId: client, ownerId: user, asset: 'ETH', kind: 'user' });
    if (!a) return 0n;
    const b = await ledger.balances(a.id);
    return b.creditsPosted - b.debitsPosted;
  };
  /** Sends a forwarder call and waits for it; returns its hash and receipt status. */
  const send = async (method: string, args: unknown[], overrides: Record<string, unknown>) => {
    const tx = (await forwarder.getFunction(method)(...args, overrides)) as { hash: string };
    return { hash: tx.hash, status: (await anvil.waitMined(tx.hash)).status };
  };

  beforeAll(async () => {
    const { db } = ctx();
    ledger = new LedgerService(db);
    queries = new DepositQueries(db, new AssetRegistry().withAssets([{ code: 'ETH', confirmations: CONFIRMATIONS }]));
    const wallets = new CustodyWallets(db);
    const w = custody.wallet;
    await wallets.register({
      id: w.id,
      chain: 'ethereum',
      clientId: null,
      threshold: w.threshold,
      publicKeys: w.publicKeys,
      safeAddress: w.safeAddress,
      relayerAddress: w.relayerAddress,
    });
    addresses = new DepositAddresses(
      db,
      wallets,
      new AssetRegistry().withAssets([{ code: 'ETH', confirmations: CONFIRMATIONS }]),
      [adapter()],
      ledger,
    );
    follower = await startFollower();
    await follower.syncToTip();
  });

  it('credits ETH paid by internal CALLs and a SELFDESTRUCT exactly once after the confirmations, under i<k>', async () => {
    const [alice, bob] = [await issue('alice'), await issue('bob')];
    const pay = await send(
      'forward',
      [
        [alice.address, bob.address, alice.address],
        [2n * ETH, 1n * ETH, 3n * ETH],
      ],
      { value: 6n * ETH },
    );
    const destroy = await send('destroyTo', [bob.address], { value: 5n * ETH });
    expect([pay.status, destroy.status]).toEqual([1, 1]);
    await follower.syncToTip();
    expect((await queries.deposits({ txid: pay.hash })).map((d) => [d.index, d.userId, d.amount, d.state])).toEqual([
      ['i0', 'alice', 2n * ETH, 'confirming'],
      ['i1', 'bob', 1n * ETH, 'confirming'],
      ['i2', 'alice', 3n * ETH, 'confirming'],
    ]);
    expect(await balance('alice')).toBe(0n);

    await anvil.mine(CONFIRMATIONS);
    await follower.syncToTip();
    await (await startFollower()).syncToTip(); // a second follower over the same blocks adds nothing
    expect(await balance('alice')).toBe(5n * ETH);
    expect(await balance('bob')).toBe(6n * ETH);
    // The selfdestructing contract's creation (the transaction's first move) is not a deposit.
    expect((await queries.deposits({ txid: destroy.hash })).map((d) => [d.index, d.userId, d.amount])).toEqual([
      ['i1', 'bob', 5n * ETH],
    ]);
    for (const d of [
      ...(await queries.deposits({ txid: pay.hash })),
      ...(await queries.deposits({ txid: destroy.hash })),
    ]) {
      expect(d).toMatchObject({ state: 'credited', credits: 1 });
      // The id `ethereum:<txid>:i<k>` is one the deposit API accepts.
      await expect(queries.deposit(d.id)).resolves.toMatchObject({ index: d.index, amount: d.amount });
      await expect(
        ledger.getTransfer(depositTransferId('deposit', 'ethereum', d.txid, d.index, 1)),
      ).resolves.toMatchObject({ amount: d.amount });
    }
    expect((await ledger.checkInvariants()).ok).toBe(true);
  });

  it('reads the same transfers with callTracer as with trace_block, and none with tracing off', async () => {
    const carol = await issue('carol');
    const pay = await send('forward', [[carol.address], [1n * ETH]], { value: 1n * ETH });
    const height = Number((await anvil.provider.getTransactionReceipt(pay.hash))!.blockNumber);
    const read = async (mode: 'off' | 'callTracer' | 'parityTrace') => {
      const a = adapter(mode);
      a.watch([{ address: carol.address, ref: carol.id }]);
      return (await a.block(height)).transfers;
    };
    const calls = await read('callTracer');
    expect(calls).toEqual([{ txid: pay.hash, index: 'i0', address: carol.address, asset: 'ETH', amount: 1n * ETH }]);
    expect(await read('parityTrace')).toEqual(calls);
    expect(await read('off')).toEqual([]);
  });

  it('credits nothing paid inside a reverted frame of a successful transaction, nor a DELEGATECALL carrying value', async () => {
    const dave = await issue('dave');
    // The forwarder catches the revert, so the transaction succeeds while the payment is undone.
    const undone = await send('forwardInRevertedFrame', [dave.address], { value: 3n * ETH, gasLimit: 300_000n });
    const delegated = await send('delegateTo', [dave.address], { value: 4n * ETH });
    expect([undone.status, delegated.status]).toEqual([1, 1]);
    // The payment frame itself is in the trace, without an error of its own: only its parent failed.
    const trace = await anvil.rpc<{
      calls: { error?: string; calls: { to: string; value: string; error?: string }[] }[];
    }>('debug_traceTransaction', [undone.hash, { tracer: 'callTracer' }]);
    expect(trace.calls[0].error).toBeDefined();
    expect(trace.calls[0].calls[0]).toMatchObject({ to: dave.address.toLowerCase(), value: '0x29a2241af62c0000' });
    expect(trace.calls[0].calls[0].error).toBeUndefined();
    expect(await anvil.balance(dave.address)).toBe(0n);

    await anvil.mine(CONFIRMATIONS);
    await follower.syncToTip();
    expect(await queries.deposits({ txid: undone.hash })).toEqual([]);
    expect(await queries.deposits({ txid: delegated.hash })).toEqual([]);
    expect(await balance('dave')).toBe(0n);
  });

  it('after a real reorg reads the traces of the new blocks: a payment moved to another block is credited once there', async () => {
    const frank = await issue('frank');
    const data = forwarder.interface.encodeFunctionData('forward', [[frank.address], [2n * ETH]]);
    // Every field fixed, so the payment sent again after the reorg is the same transaction (same txid).
    const nonce = await anvil.provider.getTransactionCount(anvil.accounts[1], 'pending');
    const fees = { maxFeePerGas: toQuantity(100n * 10n ** 9n), maxPriorityFeePerGas: toQuantity(10n ** 9n) };
    const request = {
      from: anvil.accounts[1],
      to: await forwarder.getAddress(),
      data,
      value: toQuantity(2n * ETH),
      gas: toQuantity(200_000),
      nonce: toQuantity(nonce),
      ...fees,
    };
    const first = await anvil.rpc<string>('eth_sendTransaction', [request]);
    await anvil.waitMined(first);
    await anvil.mine(1);
    await follower.syncToTip();
    const [seen] = await queries.deposits({ txid: first });
    expect(seen).toMatchObject({ index: 'i0', state: 'confirming', confirmations: 2 });
    // Both blocks are replaced; the payment lands in the second new block instead of the first.
    await anvil.reorg(2, [[request, 1]]);
    await anvil.mine(CONFIRMATIONS);
    const steps = await follower.syncToTip();
    expect(steps.some((s) => s.kind === 'reorg')).toBe(true);
    const [after] = await queries.deposits({ txid: first });
    expect(after).toMatchObject({ index: 'i0', state: 'credited', credits: 1, amount: 2n * ETH });
    expect(after.blockHash).not.toBe(seen.blockHash);
    expect(after.blockHeight).toBe(Number(seen.blockHeight) + 1);
    expect(await balance('frank')).toBe(2n * ETH);
  });

  it('does not credit our own sweep of a deposit address, and the address takes internal payments again after it', async () => {
    const erin = await issue('erin');
    const paid = await send('forward', [[erin.address], [7n * ETH]], { value: 7n * ETH });
    await anvil.mine(CONFIRMATIONS);
    await follower.syncToTip();
    expect(await balance('erin')).toBe(7n * ETH);

    const safeBefore = await anvil.balance(custody.safe);
    const sweep = await custody.submit(
      await custody.adapter.buildSweep(custody.wallet, [erin.tag], ['ETH'], await custody.relayOptions()),
    );
    expect((await custody.adapter.sweepResult(sweep)).swept).toEqual([
      { address: erin.address, asset: 'ETH', amount: 7n * ETH },
    ]);
    expect(await anvil.balance(custody.safe)).toBe(safeBefore + 7n * ETH);
    // The sweep runs code AT the deposit address: a CREATE2 there, then a SELFDESTRUCT into the Safe.
    const trace = JSON.stringify(
      await anvil.rpc('debug_traceTransaction', [sweep, { tracer: 'callTracer' }]),
    ).toLowerCase();
    expect(trace).toContain(`"to":"${erin.address.toLowerCase()}"`);
    expect(trace).toContain('"type":"create2"');
    expect(trace).toContain('"type":"selfdestruct"');

    const again = await send('forward', [[erin.address], [1n * ETH]], { value: 1n * ETH });
    await anvil.mine(CONFIRMATIONS);
    await follower.syncToTip();
    expect(await queries.deposits({ txid: sweep })).toEqual([]);
    expect((await queries.deposits({ txid: paid.hash })).map((d) => [d.index, d.credits])).toEqual([['i0', 1]]);
    expect((await queries.deposits({ txid: again.hash })).map((d) => [d.index, d.state])).toEqual([['i0', 'credited']]);
    expect(await balance('erin')).toBe(8n * ETH);
    expect((await ledger.checkInvariants()).ok).toBe(true);
  });
});
