import { createHash, type Hash } from 'node:crypto';
import type { UserBalance } from '../ports';

export interface SnapshotHeader {
  id: string;
  sequence: string;
  takenAt: string;
  chainTips: unknown;
  prices: unknown;
}

/**
 * The content hash of a snapshot: SHA-256 over a version line, the header as JSON with sorted
 * keys, then one line per balance `client\tuser\tasset\tbalance` in (client, user, asset) order
 * (byte order). Anyone holding the rows can recompute it.
 */
export class SnapshotHasher {
  private readonly hash: Hash = createHash('sha256');

  constructor(header: SnapshotHeader) {
    this.hash.update('strongroom-snapshot-v1\n');
    this.hash.update(`${canonicalJson(header)}\n`);
  }

  add(row: UserBalance): void {
    this.hash.update(`${row.clientId}\t${row.userId}\t${row.asset}\t${row.balance}\n`);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}
