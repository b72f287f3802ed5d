import type { StoredApiKey } from './api-keys';

// Bumped by every revocation in this process; cached keys loaded before it are discarded.
let generation = 0;

export function invalidateKeyCache(): void {
  generation += 1;
}

/**
 * Keys as the guard last read them. Entries are dropped by any revocation made in this process
 * and, when `ttlMs` is finite, after `ttlMs`. With PGlite the process owns the data, so every
 * revocation goes through `revokeApiKey` here and no TTL is needed; with PostgreSQL another
 * replica or the CLI may revoke, so caching there is opt-in and bounded by its TTL.
 */
export class KeyCache {
  private readonly entries = new Map<string, { key: StoredApiKey | undefined; generation: number; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async get(keyId: string, load: (keyId: string) => Promise<StoredApiKey | undefined>, now = Date.now()): Promise<StoredApiKey | undefined> {
    if (this.ttlMs <= 0) return load(keyId);
    const hit = this.entries.get(keyId);
    if (hit && hit.generation === generation && now - hit.at < this.ttlMs) return hit.key;
    const loadedAt = { generation, at: now };
    const key = await load(keyId);
    // Unknown ids are not cached: a stranger could otherwise grow the map with made-up ids.
    if (key) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(keyId, { key, ...loadedAt });
    }
    return key;
  }
}
