import type { AdapterWith, CustodyWallet, DigestRequest, UnsignedChainTx } from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';

/** A sweep adapter: sweeps are relayer transactions, so the relay capability comes with them. */
export type SweepAdapter = AdapterWith<'sweep' | 'relay'>;

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
export function storedSweep(s: SweepRow): UnsignedChainTx {
  return { chain: s.chain, batchId: s.id, payload: s.unsigned_payload, digests: s.digests, fee: BigInt(s.max_fee) };
}
