import type { StoredApiKey } from './principal';
import { invalidateKeyCache, KeyCache, type KeySource } from './key-cache';

const key: StoredApiKey = {
  keyId: 'srk_0123456789abcdef01234567',
  name: 'k',
  role: 'backend',
  owner: 'k',
  clients: ['acme'],
  verifier: '00'.repeat(32),
  revoked: false,
};

function counter(keys: StoredApiKey[]): KeySource & { one: jest.Mock; all: jest.Mock } {
  const map = new Map(keys.map((k) => [k.keyId, k]));
  return { one: jest.fn(async (id: string) => map.get(id)), all: jest.fn(async () => new Map(map)) };
}

describe('KeyCache', () => {
  it('reads one key every time with a zero TTL, hit or miss', async () => {
    const c = counter([key]);
    const cache = new KeyCache(0);
    expect(await cache.get(key.keyId, c, 0)).toEqual(key);
    expect(await cache.get('srk_ffffffffffffffffffffffff', c, 0)).toBeUndefined();
    expect(c.one).toHaveBeenCalledTimes(2);
    expect(c.all).not.toHaveBeenCalled();
  });

  it('answers known and unknown ids from one snapshot within its TTL, and reloads after it', async () => {
    const c = counter([key]);
    const cache = new KeyCache(1000);
    expect(await cache.get(key.keyId, c, 0)).toEqual(key);
    expect(await cache.get('srk_ffffffffffffffffffffffff', c, 999)).toBeUndefined();
    expect(c.all).toHaveBeenCalledTimes(1);
    await cache.get(key.keyId, c, 1000);
    expect(c.all).toHaveBeenCalledTimes(2);
    expect(c.one).not.toHaveBeenCalled();
  });

  it('drops the snapshot on a creation or revocation in this process, even without a TTL', async () => {
    const c = counter([key]);
    const cache = new KeyCache(Number.POSITIVE_INFINITY);
    await cache.get(key.keyId, c, 0);
    await cache.get(key.keyId, c, 10 ** 12);
    expect(c.all).toHaveBeenCalledTimes(1);
    invalidateKeyCache();
    await cache.get(key.keyId, c, 0);
    expect(c.all).toHaveBeenCalledTimes(2);
  });

  it('shares one read between concurrent misses', async () => {
    const c = counter([key]);
    const cache = new KeyCache(Number.POSITIVE_INFINITY);
    invalidateKeyCache();
    await Promise.all([
      cache.get(key.keyId, c, 0),
      cache.get('srk_ffffffffffffffffffffffff', c, 0),
      cache.get(key.keyId, c, 0),
    ]);
    expect(c.all).toHaveBeenCalledTimes(1);
  });
});
