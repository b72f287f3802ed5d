import { createHash } from 'node:crypto';
import { canonicalJson, type JsonValue } from './canonical-json';

/** Who did it: a principal id and its role (an API role, or `system` for Strongroom's own workers). */
export interface AuditActor {
  id: string;
  role: string;
}

/** What it was done to. */
export interface AuditSubject {
  type: string;
  id: string;
}

export interface AuditEntryInput {
  actor: AuditActor;
  /** A stable dotted verb, e.g. `withdrawal.approved`. */
  action: string;
  subject: AuditSubject;
  payload?: unknown;
}

/** An entry as written: durable from its writer's commit on, not yet linked into the chain. */
export interface UnchainedAuditEntry {
  /** The entry's id from its insert on (insertion order, not chain order). */
  id: number;
  /** ISO 8601 UTC with milliseconds, from the database clock at insert. */
  at: string;
  actor: AuditActor;
  action: string;
  subject: AuditSubject;
  payload: JsonValue;
  payloadHash: string;
}

/** An entry linked into the chain. */
export interface AuditEntry extends UnchainedAuditEntry {
  /** 1, 2, 3, … without gaps (a number: the log will never reach 2^53 entries). */
  seq: number;
  prevHash: string;
  hash: string;
}

/** What an entry's hash covers, besides the link to the entry before it. */
export type HashedFields = Pick<AuditEntry, 'seq' | 'at' | 'actor' | 'action' | 'subject' | 'payloadHash' | 'prevHash'>;

export const GENESIS_HASH = '0'.repeat(64);
export const ENTRY_FORMAT_VERSION = 1;

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function payloadHashOf(payload: JsonValue): string {
  return sha256Hex(canonicalJson(payload));
}

/** hash = SHA-256(prev_hash (32 bytes) ‖ UTF-8 canonical JSON of the entry without its payload body). */
export function entryHash(e: HashedFields): string {
  const body = canonicalJson({
    v: ENTRY_FORMAT_VERSION,
    seq: e.seq,
    at: e.at,
    actor: { id: e.actor.id, role: e.actor.role },
    action: e.action,
    subject: { type: e.subject.type, id: e.subject.id },
    payloadHash: e.payloadHash,
  });
  return sha256Hex(Buffer.concat([Buffer.from(e.prevHash, 'hex'), Buffer.from(body, 'utf8')]));
}
