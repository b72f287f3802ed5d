import { describeEachBackend } from '@strongroom/testing';
import { depositsContext } from '../deposits.context';
import { FollowerFixture } from '../testing/follower-fixture';
import { chainTipHeight, chainTipReadAt, followerLag } from './follower-metrics';

const read = async (g: typeof followerLag, chain: string): Promise<number | undefined> =>
  (await g.get()).values.find((v) => v.labels.chain === chain)?.value;

describeEachBackend('deposit follower lag metrics', { contexts: [depositsContext] }, (ctx) => {
  it('a follower behind the tip reports its lag in blocks, 0 once caught up; a node that stops answering leaves the tip-read time behind', async () => {
    const f = new FollowerFixture(ctx().db);
    await f.registerOperatorWallet();
    let now = new Date('2026-12-02T12:00:00Z');
    const follower = f.follower({ clock: () => now });
    f.chain.mine();
    await follower.syncToTip();
    expect(await read(followerLag, 'bitcoin')).toBe(0);

    f.chain.mineEmpty(5);
    await follower.step(); // reads the tip 5 blocks ahead, applies one
    expect(await read(followerLag, 'bitcoin')).toBe(5);
    expect(await read(chainTipHeight, 'bitcoin')).toBe(f.chain.tip.height);
    await follower.step();
    expect(await read(followerLag, 'bitcoin')).toBe(4);
    await follower.syncToTip();
    expect(await read(followerLag, 'bitcoin')).toBe(0);
    expect(await read(chainTipReadAt, 'bitcoin')).toBe(now.getTime() / 1000);

    // The node stops answering: the follower cannot read the tip, so the last read time stays behind.
    const readAt = now.getTime() / 1000;
    f.adapter.tip = () => Promise.reject(new Error('connect ECONNREFUSED'));
    now = new Date(now.getTime() + 600_000);
    await expect(follower.step()).rejects.toThrow('ECONNREFUSED');
    expect(await read(chainTipReadAt, 'bitcoin')).toBe(readAt);
  });
});
