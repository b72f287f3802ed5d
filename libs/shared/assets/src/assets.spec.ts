import { AssetRegistry } from './assets';

describe('AssetRegistry', () => {
  it('serves metadata and refuses unknown assets with a stable code', () => {
    const r = new AssetRegistry();
    expect(r.get('BTC').decimals).toBe(8);
    expect(() => r.get('DOGE')).toThrow(expect.objectContaining({ code: 'asset.unknown' }));
    expect(r.withAssets([{ code: 'BTC', confirmations: 1 }]).get('BTC').confirmations).toBe(1);
    expect(r.get('BTC').confirmations).toBe(3);
  });
});
