// Long because the book is the one writer of deposit rows: every transition (record, credit,
// orphan, settle, reverse) sits here with the row locks and events it takes, read side by side.
import type { ChainTransfer } from '@strongroom/chains-core';
import type { Tx } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import type { ChainId } from '@strongroom/shared-types';
import { addressKey } from '../deposit-tag';
import { depositId, OPERATOR_CLIENT } from '../deposits.types';
import { accountFor, type LedgerPort, type LedgerTransferInput } from '../ledger-port';
import { emitDepositEvent, type DepositEventType } from './deposit-events';
import type { AuditLog } from '@strongroom/audit';

/** A deposit row joined with its address's wallet, as the book reads it. */
interface DepositRow {
  seq: string;
  chain: string;
  txid: string;
  output_index: string;
  address: string;
  client_id: string;
  user_id: string;
  asset: string;
  amount: string;
  state: string;
  block_height: number | null;
  block_hash: string | null;
  confirmations: number;
  credits: number;
  reversals: number;
  wallet_id: string;
  wallet_client_id: string | null;
}

const SELECT_DEPOSIT = `SELECT d.*, a.wallet_id, w.client_id AS wallet_client_id
  FROM deposits.deposits d JOIN deposits.addresses a ON a.id = d.address_id JOIN wallets.wallets w ON w.id = a.wallet_id`;

/** Ledger transfer ids: deterministic, and numbered when a deposit is credited or reversed again after a reorg. */
export function depositTransferId(
  kind: 'deposit' | 'reversal' | 'reversal-shortfall',
  chain: string,
  txid: string,
  index: string,
  n: number,
): string {
  return n <= 1 ? `${kind}:${chain}:${txid}:${index}` : `${kind}:${chain}:${txid}:${index}:${n}`;
}

export type BookCheckpoint = (point: string) => void | Promise<void>;

/**
 * The deposit state machine inside the follower's transactions: recording sightings, crediting
 * deep-enough deposits with their ledger transfer, and settling what a reorg took away. Every
 * method runs in the caller's transaction, so state, ledger and outbox commit together.
 */
export class DepositBook {
  constructor(
    private readonly chain: ChainId,
    private readonly assets: AssetRegistry,
    private readonly ledger: LedgerPort,
    private readonly checkpoint: BookCheckpoint = () => undefined,
    private readonly clock: () => Date = () => new Date(),
    private readonly audit?: Pick<AuditLog, 'append'>,
  ) {}

  /** Records the block's incoming transfers to deposit addresses. */
  async recordBlock(tx: Tx, block: { height: number; hash: string; transfers: ChainTransfer[] }): Promise<number> {
    return this.record(tx, block.transfers, { height: block.height, hash: block.hash });
  }

  /** Records unconfirmed sightings (mempool) as `seen`; deposits already known are left alone. */
  async recordMempool(tx: Tx, transfers: ChainTransfer[]): Promise<number> {
    return this.record(tx, transfers, null);
  }

  /** Credits every confirming deposit that is `height`'s confirmations deep; updates the rest. */
  async creditDeep(tx: Tx, height: number): Promise<number> {
    const rows = await tx.query<DepositRow>(
      `${SELECT_DEPOSIT} WHERE d.chain = $1 AND d.state = 'confirming' AND d.block_height IS NOT NULL ORDER BY d.seq FOR UPDATE OF d`,
      [this.chain],
    );
    let credited = 0;
    for (const r of rows) {
      const confirmations = height - Number(r.block_height) + 1;
      if (confirmations >= this.required(r.asset)) {
        await this.credit(tx, r, confirmations);
        credited++;
      } else if (confirmations !== Number(r.confirmations)) {
        await tx.query('UPDATE deposits.deposits SET confirmations = $2, updated_at = $3 WHERE seq = $1', [
          r.seq,
          Math.max(0, confirmations),
          this.clock(),
        ]);
      }
    }
    return credited;
  }

  /**
   * A reorg removed the blocks above `forkHeight`: their deposits lose their block and wait,
   * marked orphaned, until the follower is back at `oldHeight` (or the tip), in case the new
   * branch includes them again. Nothing is reversed yet.
   */
  async orphanAbove(tx: Tx, forkHeight: number, oldHeight: number): Promise<number> {
    const { rows } = await tx.execute(
      `UPDATE deposits.deposits SET block_height = NULL, block_hash = NULL, confirmations = 0, updated_at = $4,
              orphaned_until = GREATEST(COALESCE(orphaned_until, 0), $3)
        WHERE chain = $1 AND block_height > $2 AND state IN ('confirming', 'credited') RETURNING seq`,
      [this.chain, forkHeight, oldHeight, this.clock()],
    );
    return rows.length;
  }

  /**
   * Settles orphaned deposits once the follower has caught up past where they were: still absent
   * from the chain → a confirming one is dropped, a credited one is reversed (correcting transfer,
   * incident, event).
   */
  async settleOrphans(tx: Tx, height: number, tipHeight: number): Promise<{ dropped: number; reversed: number }> {
    const rows = await tx.query<DepositRow>(
      `${SELECT_DEPOSIT} WHERE d.chain = $1 AND d.orphaned_until IS NOT NULL AND ($2 >= d.orphaned_until OR $2 >= $3) ORDER BY d.seq FOR UPDATE OF d`,
      [this.chain, height, tipHeight],
    );
    let dropped = 0;
    let reversed = 0;
    for (const r of rows) {
      if (r.state === 'credited') {
        await this.reverse(tx, r);
        reversed++;
      } else {
        await tx.query(
          `UPDATE deposits.deposits SET state = 'dropped', orphaned_until = NULL, confirmations = 0, drop_reason = 'reorged', dropped_at = $2, updated_at = $2 WHERE seq = $1`,
          [r.seq, this.clock()],
        );
        await this.emit(
          tx,
          'deposit.dropped',
          { ...r, state: 'dropped', block_height: null, block_hash: null, confirmations: 0 },
          { reason: 'reorged' },
        );
        dropped++;
      }
    }
    return { dropped, reversed };
  }

  /**
   * A `seen` deposit whose transaction has been neither in the mempool nor on chain since
   * `missingSince` (decided by VanishedDeposits): dropped, never credited. Seen or mined again
   * later, it is recorded again like any sighting and credited once.
   */
  async dropVanished(tx: Tx, seq: string, missingSince: Date): Promise<void> {
    const [r] = await tx.query<DepositRow>(`${SELECT_DEPOSIT} WHERE d.seq = $1 AND d.state = 'seen' FOR UPDATE OF d`, [
      seq,
    ]);
    if (!r) return;
    await tx.query(
      `UPDATE deposits.deposits SET state = 'dropped', drop_reason = 'vanished', dropped_at = $2, updated_at = $2 WHERE seq = $1`,
      [seq, this.clock()],
    );
    await this.emit(
      tx,
      'deposit.dropped',
      { ...r, state: 'dropped' },
      { reason: 'vanished', missingSince: missingSince.toISOString() },
    );
  }

  private required(asset: string): number {
    return this.assets.get(asset).confirmations;
  }

  // Long because a sighting's three outcomes (new row, dropped one back in the mempool, attached to
  // a block) are decided on the one row the loop locks FOR UPDATE, each with the events it raises.
  private async record(
    tx: Tx,
    transfers: ChainTransfer[],
    block: { height: number; hash: string } | null,
  ): Promise<number> {
    const incoming = transfers.filter(
      (t) => t.amount > 0n && this.assets.has(t.asset) && this.assets.get(t.asset).chain === this.chain,
    );
    if (incoming.length === 0) return 0;
    const keys = [...new Set(incoming.map((t) => addressKey(t.address)))];
    const addresses = await tx.query<{ id: string; address_key: string; client_id: string; user_id: string }>(
      `SELECT id, address_key, client_id, user_id FROM deposits.addresses WHERE chain = $1 AND address_key = ANY($2::text[])`,
      [this.chain, keys],
    );
    const byKey = new Map(addresses.map((a) => [a.address_key, a]));
    let recorded = 0;
    const now = this.clock();
    for (const t of incoming) {
      const a = byKey.get(addressKey(t.address));
      if (!a) continue; // change or a transfer to a custody address that is not a deposit address
      const [existing] = await tx.query<DepositRow>(
        `${SELECT_DEPOSIT} WHERE d.chain = $1 AND d.txid = $2 AND d.output_index = $3 FOR UPDATE OF d`,
        [this.chain, t.txid, t.index],
      );
      if (!existing) {
        const state = block ? 'confirming' : 'seen';
        await tx.query(
          `INSERT INTO deposits.deposits (chain, txid, output_index, address_id, address, client_id, user_id, asset, amount, state,
                                          block_height, block_hash, confirmations, first_seen_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13, $13)`,
          [
            this.chain,
            t.txid,
            t.index,
            a.id,
            t.address,
            a.client_id,
            a.user_id,
            t.asset,
            t.amount.toString(),
            state,
            block?.height ?? null,
            block?.hash ?? null,
            now,
          ],
        );
        const [row] = await tx.query<DepositRow>(
          `${SELECT_DEPOSIT} WHERE d.chain = $1 AND d.txid = $2 AND d.output_index = $3`,
          [this.chain, t.txid, t.index],
        );
        await this.emit(tx, 'deposit.seen', row);
        if (block) await this.emit(tx, 'deposit.confirming', row);
        recorded++;
        continue;
      }
      if (!block) {
        // A mempool sighting of something known changes nothing, unless it had been dropped: then it is back.
        if (existing.state === 'dropped') {
          await tx.query(
            `UPDATE deposits.deposits SET state = 'seen', drop_reason = NULL, dropped_at = NULL, missing_since = NULL, checked_at = NULL, updated_at = $2 WHERE seq = $1`,
            [existing.seq, now],
          );
          await this.emit(tx, 'deposit.seen', { ...existing, state: 'seen' }, { again: true });
          recorded++;
        }
        continue;
      }
      // In a block: attach it (again) to this block. Credited stays credited; the rest confirm anew.
      const reactivate = existing.state !== 'credited' && existing.state !== 'confirming';
      await tx.query(
        `UPDATE deposits.deposits SET block_height = $2, block_hash = $3, orphaned_until = NULL, updated_at = $4,
                missing_since = NULL, checked_at = NULL, drop_reason = NULL, dropped_at = NULL,
                state = CASE WHEN state = 'credited' THEN 'credited' ELSE 'confirming' END
          WHERE seq = $1`,
        [existing.seq, block.height, block.hash, now],
      );
      if (reactivate) {
        await this.emit(tx, 'deposit.confirming', {
          ...existing,
          state: 'confirming',
          block_height: block.height,
          block_hash: block.hash,
        });
      }
      recorded++;
    }
    await this.checkpoint('transfers-recorded');
    return recorded;
  }

  private async credit(tx: Tx, r: DepositRow, confirmations: number): Promise<void> {
    const asset = r.asset;
    const custody = await this.custodyAccount(tx, r);
    const user = await accountFor(this.ledger, { clientId: r.client_id, ownerId: r.user_id, asset, kind: 'user' }, tx);
    const n = Number(r.credits) + 1;
    const id = depositTransferId('deposit', r.chain, r.txid, r.output_index, n);
    const [result] = await this.ledger.createTransfers(
      [
        {
          id,
          debitAccountId: custody,
          creditAccountId: user,
          amount: BigInt(r.amount),
          code: 'deposit',
          metadata: { depositId: depositId(r.chain, r.txid, r.output_index), blockHash: r.block_hash },
        },
      ],
      tx,
    );
    if (!result?.ok)
      throw new Error(
        `the ledger refused deposit transfer ${id}: ${result ? `${result.code} ${result.detail}` : 'no result'}`,
      );
    await this.checkpoint('ledger-credited');
    await tx.query(
      `UPDATE deposits.deposits SET state = 'credited', credits = $2, confirmations = $3, credited_at = $4, updated_at = $4 WHERE seq = $1 AND state = 'confirming'`,
      [r.seq, n, confirmations, this.clock()],
    );
    await this.emit(tx, 'deposit.credited', { ...r, state: 'credited', confirmations, credits: n }, { transferId: id });
  }

  /**
   * A custody account is the operator's house account of one wallet, `(operator, walletId)`, for
   * segregated wallets too: withdrawal settlement credits the same account, and segregation is
   * reported per wallet from the chain, not from the account's client.
   */
  private custodyAccount(tx: Tx, r: DepositRow): Promise<string> {
    return accountFor(
      this.ledger,
      { clientId: OPERATOR_CLIENT, ownerId: r.wallet_id, asset: r.asset, kind: 'custody' },
      tx,
    );
  }

  // Long because the ledger transfers, the incident row, the state change, the event and the audit
  // entry are one transaction.
  /**
   * Reverses a credited deposit the chain no longer holds: takes back what the user's available
   * balance covers, books the rest to the client's incident account (kind 'incident', owner
   * 'deposit-reversals') so the ledger stays balanced and no user balance goes negative, records
   * an incident and raises `deposit.reversed`.
   */
  private async reverse(tx: Tx, r: DepositRow): Promise<void> {
    const asset = r.asset;
    const amount = BigInt(r.amount);
    const custody = await this.custodyAccount(tx, r);
    const user = await accountFor(this.ledger, { clientId: r.client_id, ownerId: r.user_id, asset, kind: 'user' }, tx);
    const b = await this.ledger.balances(user, undefined, tx);
    const available = b.creditsPosted - b.debitsPosted - b.debitsPending;
    const recovered = available <= 0n ? 0n : available < amount ? available : amount;
    const shortfall = amount - recovered;
    const n = Number(r.reversals) + 1;
    const transfers: LedgerTransferInput[] = [];
    const meta = { depositId: depositId(r.chain, r.txid, r.output_index) };
    if (recovered > 0n) {
      transfers.push({
        id: depositTransferId('reversal', r.chain, r.txid, r.output_index, n),
        debitAccountId: user,
        creditAccountId: custody,
        amount: recovered,
        code: 'deposit_reversal',
        metadata: meta,
      });
    }
    if (shortfall > 0n) {
      const incidentAccount = await accountFor(
        this.ledger,
        { clientId: r.client_id, ownerId: 'deposit-reversals', asset, kind: 'incident' },
        tx,
      );
      transfers.push({
        id: depositTransferId('reversal-shortfall', r.chain, r.txid, r.output_index, n),
        debitAccountId: incidentAccount,
        creditAccountId: custody,
        amount: shortfall,
        code: 'deposit_reversal_shortfall',
        metadata: meta,
      });
    }
    if (transfers.length === 2) transfers[0].flags = ['linked'];
    const results = await this.ledger.createTransfers(transfers, tx);
    const refused = results.find((x) => !x.ok);
    if (refused && !refused.ok)
      throw new Error(`the ledger refused reversal ${refused.id}: ${refused.code} ${refused.detail}`);
    const [incident] = await tx.query<{ id: string }>(
      `INSERT INTO deposits.incidents (kind, chain, deposit_seq, txid, output_index, client_id, user_id, asset, amount, recovered, shortfall, detail)
       VALUES ('credited_deposit_reorged', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb) RETURNING id`,
      [
        r.chain,
        r.seq,
        r.txid,
        r.output_index,
        r.client_id,
        r.user_id,
        asset,
        amount.toString(),
        recovered.toString(),
        shortfall.toString(),
        JSON.stringify({ orphanedBlockHash: r.block_hash, transferIds: transfers.map((t) => t.id), reversal: n }),
      ],
    );
    await tx.query(
      `UPDATE deposits.deposits SET state = 'reversed', reversals = $2, orphaned_until = NULL, confirmations = 0, reversed_at = $3, updated_at = $3 WHERE seq = $1`,
      [r.seq, n, this.clock()],
    );
    await this.emit(
      tx,
      'deposit.reversed',
      { ...r, state: 'reversed', block_height: null, block_hash: null, confirmations: 0 },
      {
        incidentId: incident.id,
        recovered: recovered,
        shortfall: shortfall,
        transferIds: transfers.map((t) => t.id),
      },
    );
    await this.audit?.append(tx, {
      actor: { id: `follower:${r.chain}`, role: 'system' },
      action: 'deposit.reversed',
      subject: { type: 'deposit', id: depositId(r.chain, r.txid, r.output_index) },
      payload: {
        incidentId: incident.id,
        amount: amount.toString(),
        recovered: recovered.toString(),
        shortfall: shortfall.toString(),
        transferIds: transfers.map((t) => t.id),
        orphanedBlockHash: r.block_hash,
      },
    });
  }

  private emit(tx: Tx, type: DepositEventType, r: DepositRow, extra: Record<string, unknown> = {}): Promise<unknown> {
    return emitDepositEvent(tx, type, {
      depositId: depositId(r.chain, r.txid, r.output_index),
      chain: r.chain,
      txid: r.txid,
      index: r.output_index,
      address: r.address,
      clientId: r.client_id,
      userId: r.user_id,
      asset: r.asset,
      amount: BigInt(r.amount),
      state: r.state,
      blockHeight: r.block_height == null ? null : Number(r.block_height),
      blockHash: r.block_hash,
      confirmations: Number(r.confirmations),
      requiredConfirmations: this.required(r.asset),
      ...extra,
    });
  }
}
