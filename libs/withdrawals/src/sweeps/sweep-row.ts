import type { CustodyWallet, DigestRequest, UnsignedWithdrawal } from '@strongroom/chains-core';
import type { Tx } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';

export type SweepStatus = 'signing' | 'signed' | 'broadcast' | 'settled' | 'failed';

export interface SweepRow {
  id: string;
  seq: string;
  chain: ChainId;
  wallet_id: string;
  wallet: CustodyWallet & { relayerPublicKey?: string };
  status: SweepStatus;
  tags: string[];
  addresses: string[];
  assets: string[];
  expected: Record<string, Record<string, string>>;
  relayer: string;
  nonce: string;
  unsigned_payload: string;
  digests: DigestRequest[];
  max_fee: string;
  signed_raw: string | null;
  txid: string | null;
  previous_txids: string[];
  attempt: number;
  broadcasts: number;
  fee: string | null;
  swept: { address: string; asset: string; amount: string }[] | null;
  mined_height: number | null;
  failure: string | null;
  lease_until: Date | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The relayer transaction of a sweep exactly as stored before signing. */
export function storedSweep(s: SweepRow): UnsignedWithdrawal {
  return { chain: s.chain, batchId: s.id, payload: s.unsigned_payload, digests: s.digests, fee: BigInt(s.max_fee) };
}

/** Claims the oldest sweep in `status` whose lease is free or expired (see claimBatch: the lease covers KMS calls and broadcasting). */
export async function claimSweep(
  tx: Tx,
  chain: ChainId,
  status: SweepStatus,
  now: Date,
  leaseMs: number,
): Promise<SweepRow | null> {
  const [s] = await tx.query<SweepRow>(
    `SELECT * FROM withdrawals.sweeps WHERE status = $1 AND chain = $2 AND (lease_until IS NULL OR lease_until <= $3)
      ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [status, chain, now],
  );
  if (!s) return null;
  await tx.query(`UPDATE withdrawals.sweeps SET lease_until = $2 WHERE id = $1`, [
    s.id,
    new Date(now.getTime() + leaseMs),
  ]);
  return s;
}
