import { startBitcoinRegtest, type BitcoinRegtest } from '../bitcoin-regtest';

describe('bcoin regtest harness', () => {
  let node: BitcoinRegtest;
  beforeAll(async () => {
    node = await startBitcoinRegtest();
  });
  afterAll(() => node?.stop());

  it('speaks Core JSON-RPC with Core prefixes and segwit active', async () => {
    expect(await node.rpc('getblockcount')).toBe(node.height());
    expect(node.faucetAddress).toMatch(/^bcrt1q/);
  });
});
