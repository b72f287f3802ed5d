import type { IntendedOutput } from '@strongroom/chains-core';
import { getAddress } from 'ethers';
import { EXECUTION_FAILURE_TOPIC as FAILURE, EXECUTION_SUCCESS_TOPIC as SUCCESS, TRANSFER_TOPIC } from '../constants';
import type { BlockLog } from '../types';


/**
 * Whether a mined execTransaction really paid: the receipt succeeded, the Safe emitted
 * ExecutionSuccess, and every token output has its own `Transfer(safe → recipient, amount)` log
 * from the token contract. The Safe ignores a token's `false` return and still reports success,
 * so the call alone proves nothing. ETH outputs have no event; with safeTxGas = 0 a failed ETH
 * call reverts the whole transaction, so ExecutionSuccess covers them.
 */
export function judgeExecution(
  receipt: { status: number; logs: readonly BlockLog[] },
  safe: string,
  outputs: readonly Omit<IntendedOutput, 'ref'>[],
  tokenOf: (asset: string) => string | null,
  nativeAsset = 'ETH',
): { ok: true } | { ok: false; reason: string } {
  if (receipt.status !== 1) return { ok: false, reason: 'the transaction reverted' };
  const safeLogs = receipt.logs.filter((l) => getAddress(l.address) === getAddress(safe));
  if (safeLogs.some((l) => l.topics[0] === FAILURE)) return { ok: false, reason: 'the Safe reported ExecutionFailure' };
  if (!safeLogs.some((l) => l.topics[0] === SUCCESS)) return { ok: false, reason: 'no ExecutionSuccess from the Safe' };
  const transfers = receipt.logs
    .filter((l) => l.topics[0] === TRANSFER_TOPIC && l.topics.length === 3)
    .map((l) => ({ token: getAddress(l.address), from: getAddress(`0x${l.topics[1].slice(26)}`), to: getAddress(`0x${l.topics[2].slice(26)}`), amount: BigInt(l.data) }));
  for (const o of outputs) {
    if (o.asset === nativeAsset) continue;
    const token = tokenOf(o.asset);
    const i = transfers.findIndex((t) => token && t.token === getAddress(token) && t.from === getAddress(safe) && t.to === getAddress(o.address) && t.amount === o.amount);
    if (i < 0) return { ok: false, reason: `no Transfer of ${o.amount} ${o.asset} to ${o.address}: the token did not move (it may have returned false)` };
    transfers.splice(i, 1);
  }
  return { ok: true };
}
