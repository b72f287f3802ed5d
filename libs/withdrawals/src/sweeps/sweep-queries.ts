import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { displayAmount, domainError, type ChainId } from '@strongroom/shared-types';
import { seqPage } from '../seq-page';
import { WithdrawalErrors } from '../withdrawals.errors';
import type { SweepRow, SweepStatus } from './sweep-row';

/** A sweep as the API shows it: amounts in base units with their asset, `display` in asset units for people. */
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
  /** Gas paid in base units of `feeAsset` (booked as fee expense out of the relayer's gas budget), once mined. */
  fee: string | null;
  feeAsset: string | null;
  minedHeight: number | null;
  swept: { address: string; asset: string; amount: string; display: { amount: string } }[];
  /** For people only, never accepted as input: the fee in asset units with the code. */
  display: { fee: string | null };
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

  async list(q: SweepListQuery): Promise<{ data: Sweep[]; nextCursor: string | null }> {
    const { limit, after, cut } = seqPage(q);
    const rows = await this.deps.db.query<SweepRow>(
      `SELECT * FROM withdrawals.sweeps WHERE ($1::text IS NULL OR chain = $1) AND ($2::text IS NULL OR status = $2) AND ($3::bigint IS NULL OR seq < $3::bigint)
        ORDER BY seq DESC LIMIT $4`,
      [q.chain ?? null, q.status ?? null, after, limit + 1],
    );
    const { data, nextCursor } = cut(rows, (r) => r.seq);
    return { data: data.map((r) => this.toSweep(r)), nextCursor };
  }

  async get(id: string): Promise<Sweep> {
    const [row] = await this.deps.db.query<SweepRow>(`SELECT * FROM withdrawals.sweeps WHERE id = $1`, [id]);
    if (!row) throw domainError(WithdrawalErrors['sweep.not_found'], `no sweep ${id}`, { sweepId: id });
    return this.toSweep(row);
  }

  private toSweep(r: SweepRow): Sweep {
    const assets = this.deps.assets;
    const native = assets.onChain(r.chain).find((a) => a.native);
    // An asset no longer configured still shows its base units, under its code.
    const shown = (asset: string, amount: string) =>
      displayAmount(amount, assets.has(asset) ? assets.get(asset).decimals : 0, asset);
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
      fee: r.fee !== null ? String(r.fee) : null,
      feeAsset: native?.code ?? null,
      minedHeight: r.mined_height,
      swept: (r.swept ?? []).map((s) => ({
        address: s.address,
        asset: s.asset,
        amount: String(s.amount),
        display: { amount: shown(s.asset, String(s.amount)) },
      })),
      display: { fee: r.fee !== null && native ? shown(native.code, String(r.fee)) : null },
      failure: r.failure,
      lastError: r.last_error,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  }
}
