import type { AdapterWith, ChainAdapter, TxStatus, UnsignedChainTx } from '@strongroom/chains-core';
import type { Tx } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';
import type { WorkerDeps } from '../core/deps';
import { audit, auditActor, runTx } from '../core/run-tx';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import { signAndFinalize } from './sign-digests';

/**
 * A stored transaction the pipeline sends and follows: a withdrawal batch or a sweep. Both are
 * claimed under a lease, sent only as the stored bytes, re-sent when the node forgets them and,
 * when they are relayer transactions, replaced at the same nonce when stuck (the old txid kept,
 * so a confirmation of either is seen).
 */
export interface RelayedRow {
  id: string;
  chain: ChainId;
  wallet_id: string;
  txid: string | null;
  signed_raw: string | null;
  previous_txids: string[];
  attempt: number;
  updated_at: Date;
}

/** Where a kind of relayed transaction is stored and how it is named in the audit log. */
export interface RelayedKind {
  table: 'withdrawals.batches' | 'withdrawals.sweeps';
  subject: 'withdrawal_batch' | 'sweep';
  /** The columns holding the relayer transaction as last signed: a fee bump rewrites them. */
  relayColumns: { payload: string; digests: string; fee: string };
}

export const BATCHES: RelayedKind = {
  table: 'withdrawals.batches',
  subject: 'withdrawal_batch',
  relayColumns: { payload: 'relay_payload', digests: 'relay_digests', fee: 'network_fee' },
};

export const SWEEPS: RelayedKind = {
  table: 'withdrawals.sweeps',
  subject: 'sweep',
  relayColumns: { payload: 'unsigned_payload', digests: 'digests', fee: 'max_fee' },
};

/**
 * Claims the oldest row in `status` whose lease is free or expired, and leases it for `leaseMs`.
 * The lease (not a held row lock) covers the slow part done outside any transaction — KMS calls,
 * broadcasting — so a worker that dies mid-way is replaced once its lease runs out.
 */
export async function claimLeased<R extends RelayedRow>(
  tx: Tx,
  kind: RelayedKind,
  chain: ChainId,
  status: string,
  now: Date,
  leaseMs: number,
): Promise<R | null> {
  const [row] = await tx.query<R>(
    `SELECT * FROM ${kind.table} WHERE status = $1 AND chain = $2 AND (lease_until IS NULL OR lease_until <= $3)
      ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [status, chain, now],
  );
  if (!row) return null;
  await tx.query(`UPDATE ${kind.table} SET lease_until = $2 WHERE id = $1`, [
    row.id,
    new Date(now.getTime() + leaseMs),
  ]);
  return row;
}

/** Sends the stored signed bytes (never anything re-built); "already known" counts as sent. */
export async function sendStored(adapter: ChainAdapter, row: RelayedRow): Promise<void> {
  if (!row.signed_raw || !row.txid) throw new Error(`${row.id} has no stored signed transaction`);
  await adapter.broadcast({ chain: row.chain, batchId: row.id, txid: row.txid, raw: row.signed_raw });
}

/** Sends the stored bytes again (the node forgot them) and counts the send. */
export async function resendStored(
  deps: Pick<WorkerDeps, 'db' | 'clock'>,
  adapter: ChainAdapter,
  kind: RelayedKind,
  row: RelayedRow,
): Promise<void> {
  await sendStored(adapter, row);
  await deps.db.query(`UPDATE ${kind.table} SET broadcasts = broadcasts + 1, updated_at = $2 WHERE id = $1`, [
    row.id,
    deps.clock.now(),
  ]);
}

/** How long since the row last moved (sent, bumped, re-sent). */
export function idleMs(deps: Pick<WorkerDeps, 'clock'>, row: RelayedRow): number {
  return deps.clock.now().getTime() - new Date(row.updated_at).getTime();
}

export type MinedStatus = Extract<TxStatus, { state: 'confirmed' | 'partial' | 'failed' }>;

export function isMined(st: TxStatus): st is MinedStatus {
  return st.state === 'confirmed' || st.state === 'partial' || st.state === 'failed';
}

/**
 * The status of the row's transaction and, when it is not mined, of the ones it replaced: after
 * a fee bump any of them may be the one mined (they share the nonce). `txid` is the mined one.
 */
export async function followStored(
  adapter: ChainAdapter,
  row: RelayedRow,
  outputs?: Parameters<ChainAdapter['status']>[1],
): Promise<{ st: TxStatus; txid: string }> {
  const current = row.txid as string;
  const st = await adapter.status(current, outputs);
  if (isMined(st)) return { st, txid: current };
  for (const prev of row.previous_txids ?? []) {
    const p = await adapter.status(prev, outputs);
    if (isMined(p)) return { st: p, txid: prev };
  }
  return { st, txid: current };
}

/**
 * Replaces a stuck relayer transaction: the same transaction at the same nonce with fees raised,
 * intent-checked by `check`, relayer-signed, STORED (old txid appended to previous_txids, only if
 * the row still carries the txid it was bumped from) with an audit record `<subject>.fee_bumped`,
 * and sent only once stored. Both can never be mined: they share the nonce.
 */
export async function bumpRelayed(
  deps: WorkerDeps,
  adapter: AdapterWith<'relay'>,
  kind: RelayedKind,
  row: RelayedRow,
  previous: UnsignedChainTx,
  check: (replacement: UnsignedChainTx) => void,
  feeCeiling?: bigint,
): Promise<void> {
  const replacement = adapter.capabilities.relay.replaceRelay(previous, {}, feeCeiling);
  check(replacement);
  const signed = await signAndFinalize(adapter, deps.signer, row.wallet_id, replacement);
  const c = kind.relayColumns;
  const stored = await runTx(deps, async (tx) => {
    const moved = await tx.query(
      `UPDATE ${kind.table} SET signed_raw = $2, txid = $3, ${c.payload} = $4, ${c.digests} = $5::jsonb, ${c.fee} = $6,
         previous_txids = previous_txids || to_jsonb($7::text), attempt = attempt + 1, updated_at = $8
       WHERE id = $1 AND status = 'broadcast' AND txid = $7 RETURNING id`,
      [
        row.id,
        signed.raw,
        signed.txid,
        replacement.payload,
        JSON.stringify(replacement.digests),
        replacement.fee.toString(),
        row.txid,
        deps.clock.now(),
      ],
    );
    if (moved.length === 0) return false;
    audit(tx, {
      actor: auditActor(SYSTEM_ACTOR),
      action: `${kind.subject}.fee_bumped`,
      subject: { type: kind.subject, id: row.id },
      payload: { replaced: row.txid, txid: signed.txid, attempt: row.attempt + 1 },
    });
    return true;
  });
  if (stored) await adapter.broadcast(signed);
}

/** Records the last error of a row; with `onlyIfNew`, returns whether it differs from the one recorded. */
export async function noteError(
  deps: Pick<WorkerDeps, 'db'>,
  kind: RelayedKind,
  id: string,
  err: unknown,
  opts: { onlyIfNew?: boolean; status?: string; max?: number } = {},
): Promise<boolean> {
  const message = String((err as Error).message ?? err).slice(0, opts.max ?? 500);
  const rows = await deps.db.query(
    `UPDATE ${kind.table} SET last_error = $2 WHERE id = $1 AND ($3::text IS NULL OR status = $3)
       AND (NOT $4::boolean OR last_error IS DISTINCT FROM $2) RETURNING id`,
    [id, message, opts.status ?? null, opts.onlyIfNew ?? false],
  );
  return rows.length > 0;
}

/** After a failed signing attempt (nothing stored, nothing sent): frees the lease so the next round retries at once. */
export async function releaseSigning(
  deps: Pick<WorkerDeps, 'db'>,
  kind: RelayedKind,
  id: string,
  err: unknown,
): Promise<void> {
  await deps.db.query(
    `UPDATE ${kind.table} SET lease_until = NULL, last_error = $2 WHERE id = $1 AND status = 'signing'`,
    [id, String((err as Error).message ?? err).slice(0, 500)],
  );
}
