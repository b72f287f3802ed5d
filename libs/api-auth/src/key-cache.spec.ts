import type { StoredApiKey } from './api-keys';
import { invalidateKeyCache, KeyCache } from './key-cache';

const key: StoredApiKey = { keyId: 'srk_0123456789abcdef01234567', name: 'k', role: 'backend', verifier: '00'.repeat(32), revoked: false };

function counter(result: StoredApiKey | undefined): { load: (id: string) => Promise<StoredApiKey | undefined>; calls: () => number } {
  let n = 0;
  return { load: async () => ((n += 1), result), calls: () => n };
}

describe('KeyCache', () => {
  it('reads every time with a zero TTL', async () => {
    const c = counter(key);
    const cache = new KeyCache(0);
    await cache.get(key.keyId, c.load, 0);
    await cache.get(key.keyId, c.load, 0);
    expect(c.calls()).toBe(2);
  });

  it('reuses a key within its TTL and reloads after it', async () => {
    const c = counter(key);
    const cache = new KeyCache(1000);
    await cache.get(key.keyId, c.load, 0);
    await cache.get(key.keyId, c.load, 999);
    expect(c.calls()).toBe(1);
    await cache.get(key.keyId, c.load, 1000);
    expect(c.calls()).toBe(2);
  });

  it('drops everything on a revocation in this process, even without a TTL', async () => {
    const c = counter(key);
    const cache = new KeyCache(Number.POSITIVE_INFINITY);
    await cache.get(key.keyId, c.load, 0);
    await cache.get(key.keyId, c.load, 10 ** 12);
    expect(c.calls()).toBe(1);
    invalidateKeyCache();
    await cache.get(key.keyId, c.load, 0);
    expect(c.calls()).toBe(2);
  });

  it('does not cache unknown key ids', async () => {
    const c = counter(undefined);
    const cache = new KeyCache(Number.POSITIVE_INFINITY);
    await cache.get('srk_ffffffffffffffffffffffff', c.load, 0);
    await cache.get('srk_ffffffffffffffffffffffff', c.load, 0);
    expect(c.calls()).toBe(2);
  });
});
