import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBitcoinRegtest, type BitcoinRegtest } from '../bitcoin-regtest';

const ADDR = 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080';

describe('bcoin regtest harness', () => {
  let node: BitcoinRegtest;
  beforeAll(async () => {
    node = await startBitcoinRegtest();
  });
  afterAll(() => node?.stop());

  it('speaks Core JSON-RPC with Core prefixes, segwit active and matured coinbase', async () => {
    expect(await node.rpc('getblockcount')).toBe(node.height());
    expect(node.height()).toBeGreaterThan(432 + 100);
    expect(node.faucetAddress).toMatch(/^bcrt1q/);
    const hash = await node.rpc<string>('getblockhash', [node.height()]);
    expect(await node.rpc<string>('getblock', [hash, 0])).toBe(await node.rawBlock(node.height()));
  });

  it('sendrawtransaction reports rejections like Core: dust -26, missing inputs -25, already mined -27; a resend to the mempool is fine', async () => {
    await expect(node.fund(ADDR, 100n)).rejects.toMatchObject({ code: -26, message: expect.stringMatching(/dust/) });
    const { txid } = await node.fund(ADDR, 50_000n);
    const raw = await node.rawTransaction(txid);
    await expect(node.rpc('sendrawtransaction', [raw])).resolves.toBe(txid);
    // Same transaction, first input pointing at an outpoint that does not exist.
    const prevout = 4 + 2 + 1; // version, segwit marker+flag, input count
    const orphan = raw.slice(0, prevout * 2) + 'ab'.repeat(32) + raw.slice(prevout * 2 + 64);
    await expect(node.rpc('sendrawtransaction', [orphan])).rejects.toMatchObject({ code: -25 });
    await expect(node.rpc('sendrawtransaction', ['00'])).rejects.toMatchObject({ code: -22 });
    await node.mine(1);
    await expect(node.rpc('sendrawtransaction', [raw])).rejects.toMatchObject({ code: -27 });
  });

  it('reorg replaces blocks for real; orphaned transactions are evicted, or kept on request', async () => {
    const a = await node.fund(ADDR, 60_000n);
    const [minedA] = await node.mine(1);
    const evicting = await node.reorg(1);
    expect(evicting.orphaned).toEqual([minedA]);
    expect(evicting.evicted).toEqual([a.txid]);
    expect(await node.rpc('getblockhash', [node.height() - 1])).toBe(evicting.replacement[0]);
    expect(await node.rpc<string[]>('getrawmempool')).not.toContain(a.txid);

    const b = await node.fund(ADDR, 70_000n);
    await node.mine(1);
    const keeping = await node.reorg(1, { keepTransactions: true });
    expect(keeping.evicted).toEqual([]);
    expect(await node.rpc<string[]>('getrawmempool')).toContain(b.txid);
  });

  it('keeps its chain in a data directory across a restart (LevelDB)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'regtest-'));
    try {
      let disk = await startBitcoinRegtest({ dataDir: dir });
      const { txid, vout } = await disk.fund(ADDR, 80_000n);
      await disk.mine(1);
      const height = disk.height();
      const tip = await disk.rpc<string>('getbestblockhash');
      await disk.stop();
      disk = await startBitcoinRegtest({ dataDir: dir });
      try {
        expect(disk.height()).toBe(height);
        expect(await disk.rpc('getbestblockhash')).toBe(tip);
        expect(await disk.rpc('gettxout', [txid, vout])).toMatchObject({ value: 0.0008 });
        await expect(disk.fund(ADDR, 90_000n)).resolves.toMatchObject({ txid: expect.any(String) });
      } finally {
        await disk.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
