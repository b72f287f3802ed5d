// Test fixture: valid destination addresses, pipeline options and state counters.
import { networks, payments } from 'bitcoinjs-lib';
import { getAddress } from 'ethers';
import type { Database } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';
import type { ChainPipelineOptions } from '@strongroom/withdrawals';

/** Base units of one ETH and of one USDC (six decimals). */
export const ETH = 10n ** 18n;
export const USD = 10n ** 6n;

/** The pipeline most tests run: batches of up to 10 cut at once, a 30 s lease, two confirmations. */
export const pipelineOf = (chain: ChainId, options: Partial<ChainPipelineOptions> = {}): ChainPipelineOptions => ({
  chain,
  batchMaxSize: 10,
  batchMaxAgeMs: 0,
  leaseMs: 30_000,
  confirmations: 2,
  ...options,
});

/** A valid regtest P2WPKH address, distinct per `i`. */
export function btcAddress(i: number): string {
  const hash = Buffer.alloc(20, 0);
  hash.writeUInt32BE(i + 1, 0);
  return payments.p2wpkh({ hash, network: networks.regtest }).address as string;
}

/** A valid EIP-55 address, distinct per `i`. */
export function ethAddress(i: number): string {
  return getAddress(`0x${(i + 1).toString(16).padStart(40, 'a')}`);
}

/** Row counts of everything a withdrawal request could write: equal before and after = no state change. */
export async function stateCounts(db: Database): Promise<Record<string, number>> {
  const tables = [
    'withdrawals.withdrawals',
    'withdrawals.transitions',
    'withdrawals.approvals',
    'withdrawals.batches',
    'withdrawals.policy_changes',
    'ledger.transfers',
    'audit.entries',
    'events.outbox',
  ];
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${t}`))[0].n);
  return out;
}
