import type { StoredApiKey } from './principal';

// Bumped by every key creation and revocation in this process; a snapshot loaded before it is discarded.
let generation = 0;

export function invalidateKeyCache(): void {
  generation += 1;
}

export interface KeySource {
  /** One key by id (undefined when unknown or malformed). */
  one(keyId: string): Promise<StoredApiKey | undefined>;
  /** Every key. */
  all(): Promise<Map<string, StoredApiKey>>;
}

/**
 * Keys as the guard reads them. With a zero TTL, or while the snapshot is not `trusted`, every
 * lookup is one indexed read, hit or miss. With a TTL (PGlite: infinite, the process owns the data
 * and every creation and revocation passes through this module; PostgreSQL: while the key-change
 * listener is live, which drops the snapshot on every committed change) the guard reads the WHOLE key table into memory and answers every lookup
 * from that snapshot: caching only known keys would make a key in use answer faster than an
 * unknown id, which would tell a prober which ids exist. The snapshot is reloaded after `ttlMs` or
 * after a creation or revocation in this process.
 */
export class KeyCache {
  private snapshot: { keys: Map<string, StoredApiKey>; generation: number; at: number } | undefined;
  private loading: Promise<Map<string, StoredApiKey>> | undefined;

  /** `trusted`: whether a snapshot may be used now (on PostgreSQL: the key-change listener is live). */
  constructor(
    private readonly ttlMs: number,
    private readonly trusted: () => boolean = () => true,
  ) {}

  async get(keyId: string, source: KeySource, now = Date.now()): Promise<StoredApiKey | undefined> {
    if (this.ttlMs <= 0 || !this.trusted()) return source.one(keyId);
    const s = this.snapshot;
    if (s && s.generation === generation && now - s.at < this.ttlMs) return s.keys.get(keyId);
    return (await this.reload(source, now)).get(keyId);
  }

  private reload(source: KeySource, now: number): Promise<Map<string, StoredApiKey>> {
    // Concurrent misses share one read; a load that raced an invalidation is not kept.
    if (!this.loading) {
      const loadedAt = generation;
      this.loading = source
        .all()
        .then((keys) => {
          if (loadedAt === generation) this.snapshot = { keys, generation: loadedAt, at: now };
          return keys;
        })
        .finally(() => (this.loading = undefined));
    }
    return this.loading;
  }
}
