import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import type { CustodyWallet } from '@strongroom/chains-core';
import { domainError, type ChainId } from '@strongroom/shared-types';
import { SYSTEM_ACTOR } from '../withdrawal.types';
import { WithdrawalErrors } from '../withdrawals.errors';
import type { FaultHook } from '../core/fault-points';
import type { WorkerDeps } from '../core/deps';
import { reserveRelayerNonce } from '../relayer/relayer-nonces';
import { audit, auditActor, runTx } from '../core/run-tx';
import type { SweepSource } from '../ports';
import { selectDueSweeps } from './select-due-sweeps';
import { sweepEvents } from './sweep-metrics';
import type { SweepAdapter } from './sweep-row';
import type { SweepOptions } from './sweep-options';

const FEED_PAGE = 1000;

type Wallet = CustodyWallet & { relayerPublicKey?: string };

/**
 * Decides what to sweep. Addresses become candidates when the deposit feed names them; every
 * `intervalMs` the least recently checked candidates of each wallet have their balances read from
 * the chain, empty ones are dropped, and when some are due a sweep is prepared in ONE transaction:
 * relayer nonce reserved, relayer transaction built and intent-checked, stored to be signed.
 */
export class SweepPlanner {
  private lastPlan = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly source: SweepSource,
    private readonly adapter: SweepAdapter,
    private readonly opts: { chain: ChainId; sweep: SweepOptions },
    private readonly fault?: FaultHook,
  ) {}

  /**
   * Takes the next page of the deposit feed into the candidates; returns how many items it read.
   * The feed is read outside the transaction (it is another context's database work), then the
   * position moves by compare-and-set, so two planners racing take each page once.
   */
  async ingest(): Promise<number> {
    const { deps, opts } = this;
    await deps.db.query(
      `INSERT INTO withdrawals.sweep_feed (chain, position) VALUES ($1, 0) ON CONFLICT (chain) DO NOTHING`,
      [opts.chain],
    );
    const [f] = await deps.db.query<{ position: string }>(
      `SELECT position::text FROM withdrawals.sweep_feed WHERE chain = $1`,
      [opts.chain],
    );
    const items = await this.source.depositsAfter(opts.chain, BigInt(f.position), FEED_PAGE);
    if (items.length === 0) return 0;
    const latest = new Map<string, (typeof items)[number]>();
    for (const it of items) {
      const prev = latest.get(it.address);
      if (!prev || it.position > prev.position) latest.set(it.address, it);
    }
    const rows = [...latest.values()];
    const last = items.reduce((m, it) => (it.position > m ? it.position : m), 0n);
    return runTx(deps, async (tx) => {
      const moved = await tx.query(
        `UPDATE withdrawals.sweep_feed SET position = $3 WHERE chain = $1 AND position = $2 RETURNING chain`,
        [opts.chain, f.position, last.toString()],
      );
      if (moved.length === 0) return 0;
      await tx.query(
        `INSERT INTO withdrawals.sweep_candidates (chain, address, tag, wallet_id, fed_at_position)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[])
         ON CONFLICT (chain, address) DO UPDATE SET fed_at_position = GREATEST(withdrawals.sweep_candidates.fed_at_position, EXCLUDED.fed_at_position), checked_at = NULL`,
        [
          opts.chain,
          rows.map((r) => r.address),
          rows.map((r) => r.tag),
          rows.map((r) => r.walletId),
          rows.map((r) => r.position.toString()),
        ],
      );
      return items.length;
    });
  }

  /** At most once per interval: plans a sweep for each wallet that has due addresses and none in flight. */
  async plan(force = false): Promise<string[]> {
    const { deps, opts } = this;
    const now = deps.clock.now();
    if (!force && now.getTime() - this.lastPlan < (opts.sweep.intervalMs ?? 60_000)) return [];
    this.lastPlan = now.getTime();
    const wallets = await deps.db.query<{ wallet_id: string }>(
      `SELECT DISTINCT c.wallet_id FROM withdrawals.sweep_candidates c
        WHERE c.chain = $1 AND (c.retry_after IS NULL OR c.retry_after <= $2)
          AND NOT EXISTS (SELECT 1 FROM withdrawals.sweeps s WHERE s.chain = c.chain AND s.wallet_id = c.wallet_id AND s.status IN ('signing', 'signed', 'broadcast'))
        ORDER BY c.wallet_id`,
      [opts.chain, now],
    );
    const planned: string[] = [];
    for (const { wallet_id } of wallets) {
      const id = await this.planWallet(wallet_id);
      if (id) planned.push(id);
    }
    return planned;
  }

  private async planWallet(walletId: string): Promise<string | null> {
    const id = await this.planWalletSweep(walletId);
    if (id) sweepEvents.inc({ chain: this.opts.chain, outcome: 'planned' });
    return id;
  }

  private async planWalletSweep(walletId: string): Promise<string | null> {
    const { deps, opts, adapter } = this;
    const wallet = await this.wallet(walletId);
    const native = deps.assets.onChain(opts.chain).find((a) => a.native)?.code;
    const assets = [...new Set([...(native ? [native] : []), ...Object.keys(opts.sweep.thresholds)])].sort();
    const candidates = await deps.db.query<{ address: string; tag: string; fed_at_position: string }>(
      `SELECT address, tag, fed_at_position::text FROM withdrawals.sweep_candidates
        WHERE chain = $1 AND wallet_id = $2 AND (retry_after IS NULL OR retry_after <= $3)
        ORDER BY checked_at NULLS FIRST, fed_at_position LIMIT $4`,
      [opts.chain, walletId, deps.clock.now(), opts.sweep.maxChecks ?? 500],
    );
    const limit = pLimit(8);
    const holdings = await Promise.all(
      candidates.map((c) =>
        limit(async () => ({ ...c, balances: await adapter.capabilities.sweep.balances(c.address, assets) })),
      ),
    );
    const empty = holdings.filter((h) => Object.values(h.balances).every((v) => v === 0n));
    // Empty ones go; one the feed named again meanwhile (fed_at_position moved) stays.
    await deps.db.query(
      `DELETE FROM withdrawals.sweep_candidates c USING unnest($2::text[], $3::bigint[]) AS e(address, pos)
        WHERE c.chain = $1 AND c.address = e.address AND c.fed_at_position = e.pos`,
      [opts.chain, empty.map((e) => e.address), empty.map((e) => e.fed_at_position)],
    );
    await deps.db.query(
      `UPDATE withdrawals.sweep_candidates SET checked_at = $3 WHERE chain = $1 AND address = ANY($2::text[])`,
      [opts.chain, holdings.filter((h) => !empty.includes(h)).map((h) => h.address), deps.clock.now()],
    );
    const due = selectDueSweeps(holdings, opts.sweep.thresholds, opts.sweep.maxAddresses ?? 50);
    if (due.tags.length === 0) return null;
    const fees = await adapter.capabilities.relay.relayerChainState(wallet.relayerAddress as string);
    if (opts.sweep.maxFeePerGas !== undefined && fees.maxFeePerGas > opts.sweep.maxFeePerGas) return null;
    const byTag = new Map(holdings.map((h) => [h.tag, h]));
    for (const tag of due.tags) {
      // The address must be the one this wallet's Safe derives for the tag, or the sweeper would
      // be deployed elsewhere and move nothing (the wallet directory and deposits disagree).
      const derived = adapter.deriveDepositAddress(wallet, tag).address;
      const held = (byTag.get(tag) as (typeof holdings)[number]).address;
      if (derived.toLowerCase() !== held.toLowerCase()) {
        throw domainError(
          WithdrawalErrors['sweep.address_mismatch'],
          `wallet ${wallet.id} derives ${derived} for tag ${tag}, but deposits recorded ${held}`,
          { walletId: wallet.id, tag },
        );
      }
    }
    const tokenAssets = due.assets.filter((a) => a !== native);
    return this.prepare(
      wallet,
      due.tags,
      tokenAssets,
      due.tags.map((t) => byTag.get(t) as (typeof holdings)[number]),
      fees,
    );
  }

  private async prepare(
    wallet: Wallet,
    tags: string[],
    tokenAssets: string[],
    holdings: { address: string; balances: Record<string, bigint> }[],
    fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint },
  ): Promise<string | null> {
    const { deps, opts, adapter } = this;
    const relayer = wallet.relayerAddress as string;
    return runTx(deps, async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`withdrawals:sweep:${opts.chain}:${wallet.id}`]);
      const open = await tx.query(
        `SELECT 1 FROM withdrawals.sweeps WHERE chain = $1 AND wallet_id = $2 AND status IN ('signing', 'signed', 'broadcast')`,
        [opts.chain, wallet.id],
      );
      if (open.length > 0) return null;
      const id = `sweep_${randomUUID()}`;
      const now = deps.clock.now();
      const nonce = await reserveRelayerNonce(tx, adapter, opts.chain, relayer, { sweepId: id }, now);
      const unsigned = await adapter.capabilities.sweep.buildSweep(
        wallet,
        tags,
        tokenAssets,
        { relayerPublicKey: wallet.relayerPublicKey as string, nonce: Number(nonce), ...fees },
        id,
      );
      // The builder is not trusted: decode what it produced before storing anything to sign.
      adapter.capabilities.sweep.checkSweepIntent(unsigned, wallet, tags, tokenAssets);
      const expected = Object.fromEntries(
        holdings.map((h) => [
          h.address,
          Object.fromEntries(Object.entries(h.balances).map(([a, v]) => [a, v.toString()])),
        ]),
      );
      await tx.query(
        `INSERT INTO withdrawals.sweeps (id, chain, wallet_id, wallet, status, tags, addresses, assets, expected, relayer, nonce, unsigned_payload, digests, max_fee, created_at, updated_at)
         VALUES ($1, $2, $3, $4::jsonb, 'signing', $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10, $11, $12::jsonb, $13, $14, $14)`,
        [
          id,
          opts.chain,
          wallet.id,
          JSON.stringify(wallet),
          JSON.stringify(tags),
          JSON.stringify(holdings.map((h) => h.address)),
          JSON.stringify(tokenAssets),
          JSON.stringify(expected),
          relayer.toLowerCase(),
          nonce.toString(),
          unsigned.payload,
          JSON.stringify(unsigned.digests),
          unsigned.fee.toString(),
          now,
        ],
      );
      audit(tx, {
        actor: auditActor(SYSTEM_ACTOR),
        action: 'sweep.planned',
        subject: { type: 'sweep', id },
        payload: {
          chain: opts.chain,
          walletId: wallet.id,
          safe: wallet.safeAddress,
          addresses: holdings.map((h) => h.address),
          tokens: tokenAssets,
          expected,
          nonce: nonce.toString(),
        },
      });
      await this.fault?.('sweeper.prepare.before_commit', { sweepId: id });
      return id;
    });
  }

  private async wallet(walletId: string): Promise<Wallet> {
    const { deps, opts } = this;
    if (!deps.wallets.walletById)
      throw domainError(
        WithdrawalErrors['sweep.wallet_directory'],
        'the wallet directory cannot look wallets up by id, which the sweeper needs',
      );
    const w = await deps.wallets.walletById(opts.chain, walletId);
    if (!w)
      throw domainError(
        WithdrawalErrors['sweep.wallet_unknown'],
        `deposit addresses name wallet ${walletId}, which the wallet directory does not know`,
        { walletId },
      );
    if (!w.safeAddress || !w.relayerAddress || !w.relayerPublicKey) {
      throw domainError(
        WithdrawalErrors['sweep.wallet_incomplete'],
        `wallet ${walletId} lacks its Safe or relayer key`,
        {
          walletId,
        },
      );
    }
    return w;
  }
}
