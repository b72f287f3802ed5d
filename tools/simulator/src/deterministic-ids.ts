import nodeCrypto from 'node:crypto';
import type { Prng } from './prng';

/**
 * The libraries name rows with `randomUUID()`; in the simulation those ids come from the seed,
 * so a replay gives the same ids, the same row order and so the same run. Installed for the
 * duration of one run and restored after it (one run at a time per process).
 */
export function withSeededUuids<T>(rng: Prng, fn: () => Promise<T>): Promise<T> {
  const original = nodeCrypto.randomUUID;
  const web = globalThis.crypto as { randomUUID?: () => string } | undefined;
  const webOriginal = web?.randomUUID;
  const seeded = (() => rng.uuid()) as typeof nodeCrypto.randomUUID;
  nodeCrypto.randomUUID = seeded;
  if (web) Object.defineProperty(web, 'randomUUID', { value: seeded, configurable: true, writable: true });
  return fn().finally(() => {
    nodeCrypto.randomUUID = original;
    if (web) {
      if (webOriginal) delete (web as Record<string, unknown>).randomUUID;
    }
  });
}
