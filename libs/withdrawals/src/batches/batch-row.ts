import type {
  CustodyWallet,
  DigestRequest,
  DigestSignature,
  IntendedOutput,
  UnsignedChainTx,
  WithdrawalBatch,
} from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';
import type { BatchStatus } from '../withdrawal.types';
import type { WithdrawalRow } from '../withdrawal-row';

export interface BatchRow {
  id: string;
  seq: string;
  chain: ChainId;
  wallet_id: string;
  wallet: CustodyWallet & { relayerPublicKey?: string };
  status: BatchStatus;
  unsigned_payload: string | null;
  digests: DigestRequest[] | null;
  network_fee: string | null;
  fee_policy: Record<string, string> | null;
  signatures: DigestSignature[] | null;
  relay_payload: string | null;
  relay_digests: DigestRequest[] | null;
  signed_raw: string | null;
  txid: string | null;
  attempt: number;
  previous_txids: string[];
  relayer: string | null;
  nonce: string | null;
  broadcasts: number;
  confirmed_height: number | null;
  lease_until: Date | null;
  last_error: string | null;
  /** UTXO chains: no re-send before this time (back-off), re-sends so far, and the tip height at
   * which an input was first seen spent by another mined transaction. */
  resend_after: Date | null;
  resends: number;
  conflict_seen_height: number | null;
  /** UTXO chains: the CPFP child bumping this batch (stored signed before it is sent) and its fee. */
  cpfp_txid: string | null;
  cpfp_raw: string | null;
  cpfp_fee: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The approved outputs of a batch, as the cosigners check them (one per withdrawal). */
export function intendedOutputs(ws: WithdrawalRow[]): IntendedOutput[] {
  return ws.map((w) => ({ ref: w.id, address: w.destination, asset: w.asset, amount: BigInt(w.amount) }));
}

export function batchInput(b: BatchRow, ws: WithdrawalRow[]): WithdrawalBatch {
  return { id: b.id, wallet: b.wallet, outputs: intendedOutputs(ws), fee: b.fee_policy ?? undefined };
}

/** The unsigned transaction exactly as stored before signing. */
export function storedUnsigned(b: BatchRow): UnsignedChainTx {
  if (b.unsigned_payload === null || b.digests === null || b.network_fee === null)
    throw new Error(`batch ${b.id} has no stored unsigned transaction`);
  return { chain: b.chain, batchId: b.id, payload: b.unsigned_payload, digests: b.digests, fee: BigInt(b.network_fee) };
}
