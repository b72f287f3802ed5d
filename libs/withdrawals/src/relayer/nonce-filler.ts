import { hasCapabilities, type AdapterWith, type CustodyWallet } from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';
import type { LedgerTransferInput } from '../ports';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import type { FaultHook } from '../core/fault-points';
import type { WorkerDeps } from '../core/deps';
import { isMined, sendStored, type MinedStatus, type RelayedRow } from './relayed-tx';
import { signAndFinalize } from './sign-digests';
import { audit, auditActor, runTx } from '../core/run-tx';

export interface NonceFillerOptions {
  chain: ChainId;
  /** Depth at which a mined fill's gas is booked. */
  confirmations: number;
  /** A fill the node no longer knows is re-sent (same stored bytes) after this long. */
  rebroadcastAfterMs: number;
}

type FillAdapter = AdapterWith<'relay' | 'nonceFill'>;

/** A reserved nonce whose owner failed before its transaction was ever stored as signed. */
interface Hole {
  relayer: string;
  nonce: string;
  batch_id: string | null;
  sweep_id: string | null;
  wallet_id: string;
  wallet: CustodyWallet;
}

interface FillRow {
  chain: ChainId;
  relayer: string;
  nonce: string;
  batch_id: string | null;
  sweep_id: string | null;
  wallet_id: string;
  status: 'signed' | 'broadcast' | 'settled';
  signed_raw: string;
  txid: string;
  updated_at: Date;
}

/** How many holes, unsent fills or sent fills one call looks at. */
const PAGE = 20;

/**
 * Fills relayer nonces that were reserved (withdrawals.nonces) for a batch or a sweep that then
 * failed WITHOUT its transaction ever being stored as signed — an intent mismatch at the sign step.
 * Left alone, such a nonce is a hole every later relayer transaction waits behind forever. An
 * owner whose signed bytes were stored may have been sent and may still be mined: never filled.
 * A nonce owned by a root anchor (anchor_id) is never a hole: an anchor has no failed state before
 * its bytes are stored (a failed signing is retried at the same nonce), so the filler leaves it.
 *
 * Each fill is a 0-ETH self-transfer at exactly that nonce with current fees: built, intent-checked,
 * signed by the wallet's relayer key, STORED (one row per nonce: a second signer loses the insert
 * and its bytes are never sent), then only stored bytes are sent, re-sent when the node forgets
 * them, and once mined `confirmations` deep its gas is booked like any relayer gas. A crash between
 * signing and storing leaves nothing sent; the next round signs a new fill for the same nonce.
 */
export class NonceFiller {
  constructor(
    private readonly deps: WorkerDeps,
    private readonly opts: NonceFillerOptions,
    private readonly fault?: FaultHook,
  ) {}

  /** One pass (fill, send, follow); returns whether anything moved. Chains that cannot fill do nothing. */
  async runOnce(): Promise<boolean> {
    const adapter = this.deps.adapters.get(this.opts.chain);
    if (!adapter || !hasCapabilities(adapter, 'relay', 'nonceFill')) return false;
    const errors: string[] = [];
    const filled = await this.fill(adapter, errors);
    const sent = await this.send(adapter, errors);
    const settled = await this.follow(adapter, errors);
    if (errors.length > 0)
      throw new Error(`the nonce filler left ${errors.length} nonce(s) as they were: ${errors.join('; ')}`);
    return filled + sent + settled > 0;
  }

  /** Signs and stores a fill for each hole that has none yet. */
  private async fill(adapter: FillAdapter, errors: string[]): Promise<number> {
    const { deps, opts } = this;
    const holes = await deps.db.query<Hole>(
      `SELECT * FROM (
         SELECT n.relayer, n.nonce, n.batch_id, n.sweep_id, b.wallet_id, b.wallet FROM withdrawals.batches b JOIN withdrawals.nonces n ON n.batch_id = b.id
          WHERE b.chain = $1 AND n.anchor_id IS NULL AND b.status = 'failed' AND b.signed_raw IS NULL AND b.txid IS NULL AND b.nonce IS NOT NULL
         UNION ALL
         SELECT n.relayer, n.nonce, n.batch_id, n.sweep_id, s.wallet_id, s.wallet FROM withdrawals.sweeps s JOIN withdrawals.nonces n ON n.sweep_id = s.id
          WHERE s.chain = $1 AND n.anchor_id IS NULL AND s.status = 'failed' AND s.signed_raw IS NULL AND s.txid IS NULL
       ) h
       WHERE NOT EXISTS (SELECT 1 FROM withdrawals.nonce_fills f WHERE f.chain = $1 AND f.relayer = h.relayer AND f.nonce = h.nonce)
       ORDER BY h.relayer, h.nonce LIMIT ${PAGE}`,
      [opts.chain],
    );
    let stored = 0;
    for (const h of holes) {
      try {
        if (await this.fillOne(adapter, h)) stored += 1;
      } catch (err) {
        errors.push(`nonce ${h.nonce} of ${h.relayer}: ${(err as Error).message ?? String(err)}`);
      }
    }
    return stored;
  }

  private async fillOne(adapter: FillAdapter, h: Hole): Promise<boolean> {
    const { deps, opts } = this;
    const nonce = Number(h.nonce);
    const relayerPublicKey = h.wallet.relayerPublicKey;
    // The reservation names the relayer; only that wallet's relayer key may consume its nonce.
    if (!relayerPublicKey || h.wallet.relayerAddress?.toLowerCase() !== h.relayer.toLowerCase()) {
      throw new Error(`wallet ${h.wallet_id} does not hold relayer ${h.relayer}'s key`);
    }
    const fees = await adapter.capabilities.relay.relayerChainState(h.relayer);
    const unsigned = await adapter.capabilities.nonceFill.buildNonceFill({
      relayerPublicKey,
      nonce,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    // The builder is not trusted: decode what it produced before its digest goes to KMS.
    adapter.capabilities.nonceFill.checkNonceFillIntent(unsigned, h.wallet, nonce);
    const signed = await signAndFinalize(adapter, deps.signer, h.wallet_id, unsigned);
    await this.fault?.('nonce_filler.after_sign', {
      batchId: h.batch_id ?? undefined,
      sweepId: h.sweep_id ?? undefined,
      nonce: h.nonce,
    });
    return runTx(deps, async (tx) => {
      const now = deps.clock.now();
      const inserted = await tx.query(
        `INSERT INTO withdrawals.nonce_fills (chain, relayer, nonce, batch_id, sweep_id, wallet_id, status, unsigned_payload, signed_raw, txid, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'signed', $7, $8, $9, $10, $10) ON CONFLICT (chain, relayer, nonce) DO NOTHING RETURNING nonce`,
        [
          opts.chain,
          h.relayer,
          h.nonce,
          h.batch_id,
          h.sweep_id,
          h.wallet_id,
          unsigned.payload,
          signed.raw,
          signed.txid,
          now,
        ],
      );
      // Another filler stored one first: ours is dropped unsent.
      if (inserted.length === 0) return false;
      audit(tx, {
        actor: auditActor(SYSTEM_ACTOR),
        action: 'nonce_fill.signed',
        subject: { type: 'relayer_nonce', id: fillId(opts.chain, h.relayer, h.nonce) },
        payload: {
          chain: opts.chain,
          relayer: h.relayer,
          nonce: h.nonce,
          walletId: h.wallet_id,
          batchId: h.batch_id,
          sweepId: h.sweep_id,
          txid: signed.txid,
        },
      });
      return true;
    });
  }

  /** Sends stored fills not yet known to be sent; re-sending the same bytes is harmless ("already known"). */
  private async send(adapter: FillAdapter, errors: string[]): Promise<number> {
    const { deps, opts } = this;
    const rows = await deps.db.query<FillRow>(
      `SELECT * FROM withdrawals.nonce_fills WHERE chain = $1 AND status = 'signed' ORDER BY relayer, nonce LIMIT ${PAGE}`,
      [opts.chain],
    );
    let sent = 0;
    for (const f of rows) {
      try {
        await sendStored(adapter, fillRow(f));
      } catch (err) {
        await this.noteError(f, err, errors);
        continue;
      }
      await this.fault?.('nonce_filler.after_broadcast', { nonce: f.nonce });
      await deps.db.query(
        `UPDATE withdrawals.nonce_fills SET status = 'broadcast', broadcasts = broadcasts + 1, last_error = NULL, updated_at = $4 WHERE chain = $1 AND relayer = $2 AND nonce = $3 AND status = 'signed'`,
        [f.chain, f.relayer, f.nonce, deps.clock.now()],
      );
      sent += 1;
    }
    return sent;
  }

  /** Books the gas of fills mined deep enough; re-sends the stored bytes of those the node forgot. */
  private async follow(adapter: FillAdapter, errors: string[]): Promise<number> {
    const { deps, opts } = this;
    const rows = await deps.db.query<FillRow>(
      `SELECT * FROM withdrawals.nonce_fills WHERE chain = $1 AND status = 'broadcast' ORDER BY relayer, nonce LIMIT ${PAGE}`,
      [opts.chain],
    );
    let settled = 0;
    for (const f of rows) {
      try {
        const st = await adapter.status(f.txid);
        if (isMined(st)) {
          if (st.confirmations >= opts.confirmations && (await this.settle(f, st))) settled += 1;
        } else if (
          st.state === 'unknown' &&
          deps.clock.now().getTime() - new Date(f.updated_at).getTime() >= opts.rebroadcastAfterMs
        ) {
          await sendStored(adapter, fillRow(f));
          await deps.db.query(
            `UPDATE withdrawals.nonce_fills SET broadcasts = broadcasts + 1, last_error = NULL, updated_at = $4 WHERE chain = $1 AND relayer = $2 AND nonce = $3`,
            [f.chain, f.relayer, f.nonce, deps.clock.now()],
          );
        }
      } catch (err) {
        await this.noteError(f, err, errors);
      }
    }
    return settled;
  }

  /** The fill's gas, once, in the transaction that ends it (reverted or not, gas was paid). */
  private async settle(f: FillRow, st: MinedStatus): Promise<boolean> {
    const { deps } = this;
    const native = deps.assets.onChain(f.chain).find((a) => a.native);
    if (!native) throw new Error(`no native asset for ${f.chain}`);
    return runTx(deps, async (tx) => {
      const [locked] = await tx.query(
        `SELECT nonce FROM withdrawals.nonce_fills WHERE chain = $1 AND relayer = $2 AND nonce = $3 AND status = 'broadcast' FOR UPDATE`,
        [f.chain, f.relayer, f.nonce],
      );
      if (!locked) return false;
      const fee = st.fee ?? 0n;
      if (fee > 0n) {
        const leg = nonceFillGasLeg(f, fee, {
          feeExpense: await deps.accounts.feeExpense(tx, f.wallet_id, native.code),
          relayerGas: await deps.accounts.relayerGas(tx, f.wallet_id, native.code),
        });
        const [r] = await deps.ledger.createTransfers([leg], tx);
        if (!r.ok) throw new Error(`the ledger refused the gas of the fill of nonce ${f.nonce}: ${r.code} ${r.detail}`);
      }
      await tx.query(
        `UPDATE withdrawals.nonce_fills SET status = 'settled', fee = $4, mined_height = $5, last_error = NULL, updated_at = $6 WHERE chain = $1 AND relayer = $2 AND nonce = $3`,
        [f.chain, f.relayer, f.nonce, fee.toString(), st.height, deps.clock.now()],
      );
      audit(tx, {
        actor: auditActor(SYSTEM_ACTOR),
        action: 'nonce_fill.settled',
        subject: { type: 'relayer_nonce', id: fillId(f.chain, f.relayer, f.nonce) },
        payload: {
          chain: f.chain,
          relayer: f.relayer,
          nonce: f.nonce,
          walletId: f.wallet_id,
          txid: f.txid,
          height: st.height,
          fee: fee.toString(),
        },
      });
      await this.fault?.('nonce_filler.settle.before_commit', { nonce: f.nonce });
      return true;
    });
  }

  private async noteError(f: FillRow, err: unknown, errors: string[]): Promise<void> {
    const message = String((err as Error).message ?? err).slice(0, 500);
    await this.deps.db.query(
      `UPDATE withdrawals.nonce_fills SET last_error = $4 WHERE chain = $1 AND relayer = $2 AND nonce = $3`,
      [f.chain, f.relayer, f.nonce, message],
    );
    errors.push(`nonce ${f.nonce} of ${f.relayer}: ${message}`);
  }
}

/** A fill as a stored relayed transaction, named by its nonce (relayed-tx.ts sends it like any other). */
function fillRow(f: FillRow): RelayedRow {
  return {
    id: fillId(f.chain, f.relayer, f.nonce),
    chain: f.chain,
    wallet_id: f.wallet_id,
    txid: f.txid,
    signed_raw: f.signed_raw,
    previous_txids: [],
    attempt: 0,
    updated_at: f.updated_at,
  };
}

/** The name of one reserved nonce: `<chain>:<relayer>:<nonce>`. */
function fillId(chain: ChainId, relayer: string, nonce: string): string {
  return `${chain}:${relayer.toLowerCase()}:${nonce}`;
}

/**
 * The ledger transfer a mined fill books: its gas as an expense of the wallet, out of the relayer's
 * gas budget, like every relayer transaction's. The id names the nonce, so a retried settlement
 * has one effect.
 */
export function nonceFillGasLeg(
  f: Pick<FillRow, 'chain' | 'relayer' | 'nonce' | 'txid' | 'batch_id' | 'sweep_id'>,
  fee: bigint,
  accounts: { feeExpense: string; relayerGas: string },
): LedgerTransferInput {
  return {
    id: `nonce-fill:${fillId(f.chain, f.relayer, f.nonce)}:gas`,
    debitAccountId: accounts.feeExpense,
    creditAccountId: accounts.relayerGas,
    amount: fee,
    code: 'nonce_fill_gas',
    metadata: {
      txid: f.txid,
      nonce: f.nonce,
      ...(f.batch_id ? { batchId: f.batch_id } : {}),
      ...(f.sweep_id ? { sweepId: f.sweep_id } : {}),
    },
  };
}
