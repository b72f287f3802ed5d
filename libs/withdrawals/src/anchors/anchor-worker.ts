import { randomUUID } from 'node:crypto';
import { hasCapabilities, type AdapterWith } from '@strongroom/chains-core';
import type { Tx } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';
import type { WorkerDeps } from '../core/deps';
import { audit, auditActor, runTx } from '../core/run-tx';
import { isMined, sendStored, type RelayedRow } from '../relayer/relayed-tx';
import { reserveRelayerNonce } from '../relayer/relayer-nonces';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import { signAnchorTx } from './anchor-tx';

export interface AnchorWorkerOptions {
  chain: ChainId;
  /** The EIP-155 chain id the anchor is signed for. */
  chainId: bigint;
  /** The wallet whose relayer key signs and sends anchors. */
  walletId: string;
  /** Depth at which an anchor counts as confirmed. */
  confirmations: number;
  /** An anchor the node no longer knows is re-sent (same stored bytes) after this long. */
  rebroadcastAfterMs: number;
}

/** Where a test stops the worker to play a crash. */
export type AnchorCrashPoint = 'anchor.after_sign' | 'anchor.after_store' | 'anchor.after_broadcast';

export interface AnchorRow {
  id: string;
  snapshot_id: string;
  root: string;
  chain: ChainId;
  wallet_id: string;
  relayer: string;
  status: 'reserved' | 'signed' | 'broadcast' | 'confirmed';
  nonce: string;
  txid: string | null;
  signed_raw: string | null;
  mined_height: number | null;
  updated_at: Date;
}

type AnchorAdapter = AdapterWith<'relay'>;

const COLUMNS =
  'id, snapshot_id, root, chain, wallet_id, relayer, status, nonce::text AS nonce, txid, signed_raw, mined_height, updated_at';

/**
 * Sends root anchors (docs/proof-publication.md § anchor worker) from the relayer: one per snapshot
 * id, at a nonce reserved in the transaction that stores the anchor row, signed, STORED, and only
 * then sent; re-sent from the stored bytes, so a crash at any step gives one transaction.
 */
export class AnchorWorker {
  constructor(
    private readonly deps: WorkerDeps,
    private readonly opts: AnchorWorkerOptions,
    private readonly crash?: (point: AnchorCrashPoint, anchorId: string) => void | Promise<void>,
  ) {}

  /**
   * The anchor of `snapshotId`, created with its nonce if there is none. A second request for
   * the same snapshot returns the same anchor; one naming another root is refused (two roots
   * anchored for one snapshot is what verifiers report as equivocation).
   */
  async request(snapshotId: string, root: string): Promise<AnchorRow> {
    const { deps, opts } = this;
    const adapter = this.adapter();
    const wallet = await deps.wallets.walletById?.(opts.chain, opts.walletId);
    const relayer = wallet?.relayerAddress?.toLowerCase();
    if (!wallet || !relayer) throw new Error(`wallet ${opts.walletId} has no relayer on ${opts.chain}`);
    const row = await runTx(deps, async (tx) => {
      const now = deps.clock.now();
      const id = randomUUID();
      const inserted = await tx.query<{ id: string }>(
        `INSERT INTO withdrawals.anchors (id, snapshot_id, root, chain, wallet_id, relayer, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'reserved', $7, $7) ON CONFLICT (snapshot_id) DO NOTHING RETURNING id`,
        [id, snapshotId, root.toLowerCase(), opts.chain, wallet.id, relayer, now],
      );
      if (inserted.length > 0) {
        const nonce = await reserveRelayerNonce(tx, adapter, opts.chain, relayer, { anchorId: id }, now);
        await tx.query(`UPDATE withdrawals.anchors SET nonce = $2 WHERE id = $1`, [id, nonce.toString()]);
        audit(tx, {
          actor: auditActor(SYSTEM_ACTOR),
          action: 'anchor.reserved',
          subject: { type: 'anchor', id },
          payload: { snapshotId, root: root.toLowerCase(), chain: opts.chain, relayer, nonce: nonce.toString() },
        });
      }
      const [r] = await tx.query<AnchorRow>(`SELECT ${COLUMNS} FROM withdrawals.anchors WHERE snapshot_id = $1`, [
        snapshotId,
      ]);
      return r;
    });
    if (row.root !== root.toLowerCase())
      throw new Error(`snapshot ${snapshotId} is already anchored with another root (${row.root})`);
    return row;
  }

  /** The anchor of a snapshot, if one was requested. */
  async find(snapshotId: string): Promise<AnchorRow | null> {
    const [r] = await this.deps.db.query<AnchorRow>(
      `SELECT ${COLUMNS} FROM withdrawals.anchors WHERE snapshot_id = $1`,
      [snapshotId],
    );
    return r ?? null;
  }

  /** One pass: sign reserved anchors, send signed ones, follow sent ones. Returns whether anything moved. */
  async runOnce(): Promise<boolean> {
    const adapter = this.adapter();
    const open = await this.deps.db.query<AnchorRow>(
      `SELECT ${COLUMNS} FROM withdrawals.anchors WHERE chain = $1 AND status <> 'confirmed' ORDER BY created_at, id LIMIT 20`,
      [this.opts.chain],
    );
    let moved = false;
    const errors: string[] = [];
    for (const a of open) {
      try {
        moved = (await this.step(adapter, a)) || moved;
      } catch (err) {
        const message = String((err as Error).message ?? err).slice(0, 500);
        await this.deps.db.query(`UPDATE withdrawals.anchors SET last_error = $2 WHERE id = $1`, [a.id, message]);
        errors.push(`anchor of ${a.snapshot_id}: ${message}`);
      }
    }
    // One anchor failing does not hold the others back; the round still reports it.
    if (errors.length > 0) throw new Error(`the anchor worker left ${errors.length} anchor(s): ${errors.join('; ')}`);
    return moved;
  }

  /** Moves one anchor as far as it goes in this round. */
  private async step(adapter: AnchorAdapter, a: AnchorRow): Promise<boolean> {
    let moved = a.status === 'reserved' && (await this.sign(adapter, a));
    const [now] = await this.deps.db.query<AnchorRow>(`SELECT ${COLUMNS} FROM withdrawals.anchors WHERE id = $1`, [
      a.id,
    ]);
    if (now.status === 'signed') moved = (await this.send(adapter, now)) || moved;
    else if (now.status === 'broadcast') moved = (await this.follow(adapter, now)) || moved;
    return moved;
  }

  /** Signs at the reserved nonce and stores the bytes, unless another worker stored some first. */
  private async sign(adapter: AnchorAdapter, a: AnchorRow): Promise<boolean> {
    const { deps, opts } = this;
    const wallet = await deps.wallets.walletById?.(opts.chain, a.wallet_id);
    if (!wallet?.relayerPublicKey || wallet.relayerAddress?.toLowerCase() !== a.relayer)
      throw new Error(`wallet ${a.wallet_id} does not hold relayer ${a.relayer}'s key`);
    const fees = await adapter.capabilities.relay.relayerChainState(a.relayer);
    const signed = await signAnchorTx(
      deps.signer,
      { walletId: a.wallet_id, publicKey: wallet.relayerPublicKey },
      {
        chainId: opts.chainId,
        relayer: a.relayer,
        nonce: Number(a.nonce),
        snapshotId: a.snapshot_id,
        root: a.root,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      },
    );
    await this.crash?.('anchor.after_sign', a.id);
    return runTx(deps, async (tx) => {
      const stored = await tx.query(
        `UPDATE withdrawals.anchors SET status = 'signed', signed_raw = $2, txid = $3, updated_at = $4
          WHERE id = $1 AND status = 'reserved' RETURNING id`,
        [a.id, signed.raw, signed.hash, deps.clock.now()],
      );
      if (stored.length === 0) return false;
      audit(tx, {
        actor: auditActor(SYSTEM_ACTOR),
        action: 'anchor.signed',
        subject: { type: 'anchor', id: a.id },
        payload: { snapshotId: a.snapshot_id, nonce: a.nonce, txid: signed.hash },
      });
      return true;
    });
  }

  private async send(adapter: AnchorAdapter, a: AnchorRow): Promise<boolean> {
    await this.crash?.('anchor.after_store', a.id);
    await sendStored(adapter, relayed(a));
    await this.crash?.('anchor.after_broadcast', a.id);
    await this.deps.db.query(
      `UPDATE withdrawals.anchors SET status = 'broadcast', broadcasts = broadcasts + 1, last_error = NULL, updated_at = $2
        WHERE id = $1 AND status = 'signed'`,
      [a.id, this.deps.clock.now()],
    );
    return true;
  }

  /** Confirms at depth; re-sends the stored bytes when the node forgot them. */
  private async follow(adapter: AnchorAdapter, a: AnchorRow): Promise<boolean> {
    const { deps, opts } = this;
    const st = await adapter.status(a.txid as string);
    if (isMined(st)) {
      if (st.confirmations < opts.confirmations) return false;
      if (st.state === 'failed') throw new Error(`anchor ${a.id} (${a.txid}) was mined but failed`);
      return runTx(deps, async (tx) => {
        const done = await tx.query(
          `UPDATE withdrawals.anchors SET status = 'confirmed', mined_height = $2, updated_at = $3
            WHERE id = $1 AND status = 'broadcast' RETURNING id`,
          [a.id, st.height, deps.clock.now()],
        );
        if (done.length === 0) return false;
        const fee = st.fee ?? 0n;
        if (fee > 0n) await this.bookGas(tx, a, fee);
        audit(tx, {
          actor: auditActor(SYSTEM_ACTOR),
          action: 'anchor.confirmed',
          subject: { type: 'anchor', id: a.id },
          payload: { snapshotId: a.snapshot_id, txid: a.txid, height: st.height, fee: fee.toString() },
        });
        return true;
      });
    }
    const idle = deps.clock.now().getTime() - new Date(a.updated_at).getTime();
    if (st.state !== 'unknown' || idle < opts.rebroadcastAfterMs) return false;
    await sendStored(adapter, relayed(a));
    await deps.db.query(`UPDATE withdrawals.anchors SET broadcasts = broadcasts + 1, updated_at = $2 WHERE id = $1`, [
      a.id,
      deps.clock.now(),
    ]);
    return true;
  }

  /**
   * The anchor's gas as an expense of the wallet out of the relayer's gas budget, like every
   * relayer transaction's, in the transaction that confirms it; the id names the anchor, so a
   * retried confirmation books it once.
   */
  private async bookGas(tx: Tx, a: AnchorRow, fee: bigint): Promise<void> {
    const { deps } = this;
    const native = deps.assets.onChain(a.chain).find((x) => x.native);
    if (!native) throw new Error(`no native asset for ${a.chain}`);
    const [r] = await deps.ledger.createTransfers(
      [
        {
          id: `anchor:${a.id}:gas`,
          debitAccountId: await deps.accounts.feeExpense(tx, a.wallet_id, native.code),
          creditAccountId: await deps.accounts.relayerGas(tx, a.wallet_id, native.code),
          amount: fee,
          code: 'anchor_gas',
          metadata: { txid: a.txid, nonce: a.nonce, snapshotId: a.snapshot_id },
        },
      ],
      tx,
    );
    if (!r.ok) throw new Error(`the ledger refused the gas of anchor ${a.id}: ${r.code} ${r.detail}`);
  }

  private adapter(): AnchorAdapter {
    const adapter = this.deps.adapters.get(this.opts.chain);
    if (!adapter || !hasCapabilities(adapter, 'relay'))
      throw new Error(`no relayer-capable ${this.opts.chain} adapter is configured`);
    return adapter;
  }
}

/** An anchor as a stored relayed transaction (relayed-tx.ts sends it like a batch). */
function relayed(a: AnchorRow): RelayedRow {
  return {
    id: a.id,
    chain: a.chain,
    wallet_id: a.wallet_id,
    txid: a.txid,
    signed_raw: a.signed_raw,
    previous_txids: [],
    attempt: 0,
    updated_at: a.updated_at,
  };
}
