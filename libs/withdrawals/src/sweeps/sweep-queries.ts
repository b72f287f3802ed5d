import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { formatAssetUnits, notFound, type ChainId } from '@strongroom/shared-types';
import { seqPage } from '../seq-page';
import type { SweepRow, SweepStatus } from './sweep-row';

/** A sweep as the API shows it: amounts in asset units (decimal strings), the native asset's for the fee. */
export interface Sweep {
  id: string;
  chain: ChainId;
  walletId: string;
  status: SweepStatus;
  addresses: string[];
  tokens: string[];
  txid: string | null;
  previousTxids: string[];
  nonce: string;
  /** Gas paid (booked as fee expense out of the relayer's gas budget), once mined. */
  fee: string | null;
  feeAsset: string | null;
  minedHeight: number | null;
  swept: { address: string; asset: string; amount: string }[];
  failure: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SweepListQuery {
  chain?: ChainId;
  status?: SweepStatus;
  limit?: number;
  cursor?: string;
}

/** Read side of sweeps for operators and auditors (newest first, keyset pagination). */
export class SweepQueries {
  constructor(private readonly deps: { db: Database; assets: AssetRegistry }) {}

  async list(q: SweepListQuery): Promise<{ items: Sweep[]; nextCursor: string | null }> {
    const { limit, before, cut } = seqPage(q);
    const rows = await this.deps.db.query<SweepRow>(
      `SELECT * FROM withdrawals.sweeps WHERE ($1::text IS NULL OR chain = $1) AND ($2::text IS NULL OR status = $2) AND ($3::bigint IS NULL OR seq < $3::bigint)
        ORDER BY seq DESC LIMIT $4`,
      [q.chain ?? null, q.status ?? null, before, limit + 1],
    );
    const { page, nextCursor } = cut(rows);
    return { items: page.map((r) => this.toSweep(r)), nextCursor };
  }

  async get(id: string): Promise<Sweep> {
    const [row] = await this.deps.db.query<SweepRow>(`SELECT * FROM withdrawals.sweeps WHERE id = $1`, [id]);
    if (!row) throw notFound('sweep.not_found', `no sweep ${id}`, { sweepId: id });
    return this.toSweep(row);
  }

  private toSweep(r: SweepRow): Sweep {
    const assets = this.deps.assets;
    const native = assets.onChain(r.chain).find((a) => a.native);
    const units = (asset: string, amount: string) =>
      assets.has(asset) ? formatAssetUnits(BigInt(amount), assets.get(asset).decimals) : amount;
    return {
      id: r.id,
      chain: r.chain,
      walletId: r.wallet_id,
      status: r.status,
      addresses: r.addresses,
      tokens: r.assets,
      txid: r.txid,
      previousTxids: r.previous_txids,
      nonce: String(r.nonce),
      fee: r.fee !== null && native ? formatAssetUnits(BigInt(r.fee), native.decimals) : null,
      feeAsset: native?.code ?? null,
      minedHeight: r.mined_height,
      swept: (r.swept ?? []).map((s) => ({ address: s.address, asset: s.asset, amount: units(s.asset, s.amount) })),
      failure: r.failure,
      lastError: r.last_error,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  }
}
