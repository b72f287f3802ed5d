import { mkdtemp, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { anvilBinary, startAnvil } from './anvil';

describe('anvil harness', () => {
  it('runs the anvil binary itself on a free loopback port, mines, snapshots, reverts, reorgs and stops', async () => {
    const anvil = await startAnvil();
    try {
      expect(anvil.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await readlink(`/proc/${anvil.pid}/exe`)).toBe(anvilBinary());
      await anvil.mine(5);
      expect(await anvil.height()).toBe(5);
      const snap = await anvil.snapshot();
      const to = '0x00000000000000000000000000000000000000aa';
      await anvil.sendEth(to, 7n);
      await anvil.fund(to, 3n);
      expect(await anvil.balance(to)).toBe(10n);
      expect(await anvil.revert(snap)).toBe(true);
      expect(await anvil.balance(to)).toBe(0n);
      expect(await anvil.height()).toBe(5);

      const { before, after } = await anvil.reorg(3);
      expect(after.map((b) => b.height)).toEqual([3, 4, 5]);
      after.forEach((b, i) => expect(b.hash).not.toBe(before[i].hash));
      expect(after[0].parentHash).toBe(before[0].parentHash); // the fork point is kept
      expect((await anvil.blockAt(4)).parentHash).toBe(after[0].hash);

      // A reorg that moves a payment into the new chain: same height, other block, paid once.
      const payee = '0x00000000000000000000000000000000000000bb';
      const tx = await anvil.sendEth(payee, 5n);
      const h = await anvil.height();
      await anvil.reorg(1, [[{ from: anvil.accounts[1], to: payee, value: '0x9' }, 0]]);
      expect(await anvil.height()).toBe(h);
      expect(await anvil.provider.getTransactionReceipt(tx)).toBeNull();
      expect(await anvil.balance(payee)).toBe(9n);
    } finally {
      await anvil.stop();
    }
    expect(() => process.kill(anvil.pid, 0)).toThrow(); // the node itself is gone
  });

  it('keeps the chain across a restart with a --state file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'anvil-state-'));
    const stateFile = path.join(dir, 'state.json');
    try {
      const first = await startAnvil({ stateFile });
      const checks = await first.deploySafeContracts();
      const token = await first.deployToken({ symbol: 'USDC' });
      await first.mintToken(token, first.accounts[3], 42n);
      const height = await first.height();
      await first.stop();

      const second = await startAnvil({ stateFile });
      try {
        expect(await second.height()).toBe(height);
        expect(await second.tokenBalance(token, second.accounts[3])).toBe(42n);
        // Already in place: deploying again only re-checks the code hashes.
        expect(await second.deploySafeContracts()).toEqual(checks);
        expect(await second.height()).toBe(height);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
