import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import { domainError, type ChainId } from '@strongroom/shared-types';
import { DepositErrors } from './deposits.errors';
import { depositId, type Deposit, type DepositState, type Incident } from './deposits.types';

export interface DepositQuery {
  clientId?: string;
  userId?: string;
  asset?: string;
  chain?: ChainId;
  state?: DepositState;
  txid?: string;
  after?: string;
  limit?: number;
}

export interface IncidentQuery {
  clientId?: string;
  chain?: ChainId;
  open?: boolean;
  after?: string;
  limit?: number;
}

type Row = Record<string, unknown>;
const date = (v: unknown): Date | null => (v == null ? null : new Date(v as string));

/** Read side of deposits and incidents (keyset pagination by sequence). */
export class DepositQueries {
  constructor(
    private readonly db: Database,
    private readonly assets: AssetRegistry,
  ) {}

  async deposits(q: DepositQuery): Promise<Deposit[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const eq = (col: string, v: unknown) => v !== undefined && where.push(`${col} = $${params.push(v)}`);
    eq('client_id', q.clientId);
    eq('user_id', q.userId);
    eq('asset', q.asset);
    eq('chain', q.chain);
    eq('state', q.state);
    eq('txid', q.txid);
    if (q.after) where.push(`seq > $${params.push(q.after)}`);
    const rows = await this.db.query<Row>(
      `SELECT * FROM deposits.deposits ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT $${params.push(q.limit ?? 100)}`,
      params,
    );
    return rows.map((r) => this.toDeposit(r));
  }

  /** One deposit by its id `<chain>:<txid>:<index>`. */
  async deposit(id: string): Promise<Deposit> {
    const m = /^(bitcoin|ethereum):((?:0x)?[0-9a-fA-F]{64}):([A-Za-z0-9:]{1,20})$/.exec(id);
    const [row] = m
      ? await this.db.query<Row>(
          'SELECT * FROM deposits.deposits WHERE chain = $1 AND txid = $2 AND output_index = $3',
          [m[1], m[2], m[3]],
        )
      : [];
    if (!row) throw domainError(DepositErrors['deposit.not_found'], `no deposit ${id}`, { depositId: id });
    return this.toDeposit(row);
  }

  async incidents(q: IncidentQuery): Promise<Incident[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (q.clientId) where.push(`i.client_id = $${params.push(q.clientId)}`);
    if (q.chain) where.push(`i.chain = $${params.push(q.chain)}`);
    if (q.open === true) where.push('i.resolved_at IS NULL');
    if (q.open === false) where.push('i.resolved_at IS NOT NULL');
    if (q.after) where.push(`i.id > $${params.push(q.after)}`);
    const rows = await this.db.query<Row>(
      `SELECT i.* FROM deposits.incidents i ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY i.id LIMIT $${params.push(q.limit ?? 100)}`,
      params,
    );
    return rows.map((r) => ({
      id: String(r.id),
      kind: r.kind as Incident['kind'],
      chain: r.chain as ChainId,
      depositId: depositId(String(r.chain), String(r.txid), String(r.output_index)),
      clientId: String(r.client_id),
      userId: String(r.user_id),
      asset: String(r.asset),
      amount: BigInt(r.amount as string),
      recovered: BigInt(r.recovered as string),
      shortfall: BigInt(r.shortfall as string),
      detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown>,
      createdAt: new Date(r.created_at as string),
      resolvedAt: date(r.resolved_at),
    }));
  }

  private toDeposit(r: Row): Deposit {
    const asset = String(r.asset);
    return {
      id: depositId(String(r.chain), String(r.txid), String(r.output_index)),
      chain: r.chain as ChainId,
      txid: String(r.txid),
      index: String(r.output_index),
      address: String(r.address),
      clientId: String(r.client_id),
      userId: String(r.user_id),
      asset,
      amount: BigInt(r.amount as string),
      state: r.state as DepositState,
      blockHeight: r.block_height == null ? null : Number(r.block_height),
      blockHash: (r.block_hash as string | null) ?? null,
      confirmations: Number(r.confirmations),
      requiredConfirmations: this.assets.has(asset) ? this.assets.get(asset).confirmations : 0,
      orphaned: r.orphaned_until != null,
      credits: Number(r.credits),
      reversals: Number(r.reversals),
      firstSeenAt: new Date(r.first_seen_at as string),
      updatedAt: new Date(r.updated_at as string),
      creditedAt: date(r.credited_at),
      reversedAt: date(r.reversed_at),
      droppedAt: date(r.dropped_at),
      dropReason: (r.drop_reason as Deposit['dropReason'] | null) ?? null,
      seq: String(r.seq),
    };
  }
}
