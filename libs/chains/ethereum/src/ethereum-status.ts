import type { IntendedOutput, TxStatus, UnpaidOutput } from '@strongroom/chains-core';
import { getAddress } from 'ethers';
import { EXEC_TRANSACTION_SELECTOR as EXEC_SELECTOR } from './constants';
import type { EthereumContext } from './ethereum-context';
import { judgeExecution, type JudgedPayout } from './logic/judge-execution';

type Payout = JudgedPayout;

/**
 * Mempool, or mined with a verdict and the gas the relayer paid. A mined execTransaction is
 * judged per payout (judgeExecution): `confirmed` when every output moved, `partial` when some
 * token transfers did not (a token that returns false: the Safe and MultiSendCallOnly go on,
 * so the other outputs of the batch are paid), `failed` when nothing moved. Given the batch's
 * approved outputs, the executed payouts must match them position by position (the order the
 * batch was built in) and unpaid ones are named by ref; what cannot be judged throws.
 */
export async function ethereumTxStatus(
  ctx: EthereumContext,
  tipHeight: () => Promise<number>,
  txid: string,
  outputs?: readonly IntendedOutput[],
): Promise<TxStatus> {
  const r = await ctx.rpc.receipt(txid);
  if (!r) {
    const t = await ctx.rpc.transaction(txid);
    return t ? { state: 'mempool' } : { state: 'unknown' };
  }
  const mined = {
    height: r.blockNumber,
    blockHash: r.blockHash,
    confirmations: (await tipHeight()) - r.blockNumber + 1,
    fee: r.gasUsed * r.effectiveGasPrice,
  };
  const t = await ctx.rpc.transaction(txid);
  if (!t?.to || !t.input.startsWith(EXEC_SELECTOR)) {
    return r.status === 1
      ? { state: 'confirmed', ...mined }
      : { state: 'failed', reason: 'the transaction reverted', ...mined };
  }
  const verdict = judgeExecution(r, t.to, ctx.decodeExec(t.input, 0n).tx);
  if (!verdict.executed) return { state: 'failed', reason: verdict.reason, ...mined };
  if (outputs && outputs.length !== verdict.payouts.length) {
    throw new Error(
      `cannot judge ${txid}: it makes ${verdict.payouts.length} payments, its batch has ${outputs.length} outputs`,
    );
  }
  const unpaid = unpaidOutputs(ctx, txid, verdict.payouts, outputs);
  if (unpaid.length === 0) return { state: 'confirmed', ...mined };
  if (unpaid.length === verdict.payouts.length)
    return { state: 'failed', reason: unpaid.map((u) => u.reason).join('; '), ...mined };
  return { state: 'partial', unpaid, ...mined };
}

/** The payouts that did not move, named by their output's ref (by position without outputs); a payout that is not its output throws. */
function unpaidOutputs(
  ctx: EthereumContext,
  txid: string,
  payouts: Payout[],
  outputs?: readonly IntendedOutput[],
): UnpaidOutput[] {
  const unpaid: UnpaidOutput[] = [];
  payouts.forEach((p, i) => {
    const o = outputs?.[i];
    const token = o ? ctx.tokenOf(o.asset) : null;
    const same =
      !o ||
      (getAddress(o.address) === p.address &&
        o.amount === p.amount &&
        (o.asset === ctx.nativeAsset ? p.token === null : p.token !== null && (token === null || token === p.token)));
    if (!same)
      throw new Error(
        `cannot judge ${txid}: payment ${i} (${p.amount} of ${p.token ?? ctx.nativeAsset} to ${p.address}) is not output ${o.ref} (${o.amount} ${o.asset} to ${o.address})`,
      );
    const asset = o?.asset ?? (p.token === null ? ctx.nativeAsset : (ctx.assetOf(p.token) ?? p.token));
    if (!p.paid)
      unpaid.push({
        ref: o?.ref ?? String(i),
        reason: `no Transfer of ${p.amount} ${asset} to ${p.address}: the token did not move (it may have returned false)`,
      });
  });
  return unpaid;
}
