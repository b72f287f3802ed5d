import { getAddress } from 'ethers';
import {
  ERC20_ABI,
  ERC20_TRANSFER_SELECTOR,
  EXECUTION_FAILURE_TOPIC as FAILURE,
  EXECUTION_SUCCESS_TOPIC as SUCCESS,
  OPERATION_CALL,
  OPERATION_DELEGATECALL,
  SAFE_V141,
  TRANSFER_TOPIC,
} from '../constants';
import type { BlockLog, MultiSendCall, SafeTx } from '../types';
import { decodeMultiSend } from './decode-multi-send';

/** One payment of an executed Safe transaction: ETH (`token` null) or a token's `transfer`. */
export interface JudgedPayout {
  token: string | null;
  address: string;
  amount: bigint;
  paid: boolean;
}

export type ExecutionVerdict =
  /** Nothing ran: the transaction reverted or the Safe did not execute (the gas is paid anyway). */
  | { executed: false; reason: string }
  /** The Safe executed; each payout, in call order, with whether it really moved. */
  | { executed: true; payouts: JudgedPayout[] };

/**
 * What a mined execTransaction really paid, per payout: the receipt succeeded, the Safe emitted
 * ExecutionSuccess, and each token payout has its own `Transfer(safe → recipient, amount)` log
 * from the contract it called. The Safe ignores a token's `false` return and still reports
 * success, and MultiSendCallOnly only stops on a revert, so in one batch some token transfers
 * can move while others do not. ETH payouts have no event; with safeTxGas = 0 a failed ETH call
 * reverts the whole transaction, so ExecutionSuccess covers them.
 *
 * Reads the payouts from the executed calls themselves (the contract called is the token), not
 * from the token configuration, so a token removed from the configuration while its batch was in
 * flight is still judged. Throws when the transaction is not a payment it can read: never a
 * verdict on a guess.
 */
export function judgeExecution(
  receipt: { status: number; logs: readonly BlockLog[] },
  safe: string,
  safeTx: SafeTx,
): ExecutionVerdict {
  if (receipt.status !== 1) return { executed: false, reason: 'the transaction reverted' };
  const safeLogs = receipt.logs.filter((l) => getAddress(l.address) === getAddress(safe));
  if (safeLogs.some((l) => l.topics[0] === FAILURE))
    return { executed: false, reason: 'the Safe reported ExecutionFailure' };
  if (!safeLogs.some((l) => l.topics[0] === SUCCESS))
    return { executed: false, reason: 'no ExecutionSuccess from the Safe' };
  const payouts = payoutsOf(safeTx);
  const transfers = receipt.logs
    .filter((l) => l.topics[0] === TRANSFER_TOPIC && l.topics.length === 3)
    .map((l) => ({
      token: getAddress(l.address),
      from: getAddress(`0x${l.topics[1].slice(26)}`),
      to: getAddress(`0x${l.topics[2].slice(26)}`),
      amount: BigInt(l.data),
    }));
  return {
    executed: true,
    payouts: payouts.map((p) => {
      if (p.token === null) return { ...p, paid: true };
      // Each log pays one payout: two equal transfers to one recipient need two logs.
      const i = transfers.findIndex(
        (t) => t.token === p.token && t.from === getAddress(safe) && t.to === p.address && t.amount === p.amount,
      );
      if (i >= 0) transfers.splice(i, 1);
      return { ...p, paid: i >= 0 };
    }),
  };
}

function payoutsOf(tx: SafeTx): Omit<JudgedPayout, 'paid'>[] {
  if (tx.operation === OPERATION_CALL)
    return [payoutOf({ operation: OPERATION_CALL, to: tx.to, value: tx.value, data: tx.data })];
  if (tx.operation !== OPERATION_DELEGATECALL || getAddress(tx.to) !== SAFE_V141.multiSendCallOnly.address) {
    throw new Error(
      `cannot judge a Safe transaction that ${tx.operation === OPERATION_DELEGATECALL ? `delegatecalls ${tx.to}` : `uses operation ${tx.operation}`}`,
    );
  }
  return decodeMultiSend(tx.data).map(payoutOf);
}

function payoutOf(call: MultiSendCall): Omit<JudgedPayout, 'paid'> {
  if (call.operation !== OPERATION_CALL)
    throw new Error(`cannot judge a batched call to ${call.to} that is not a plain CALL`);
  if (call.data === '0x') return { token: null, address: getAddress(call.to), amount: call.value };
  if (call.value !== 0n || !call.data.toLowerCase().startsWith(ERC20_TRANSFER_SELECTOR))
    throw new Error(`cannot judge a call to ${call.to} that is not transfer(address,uint256)`);
  const [to, amount] = ERC20_ABI.decodeFunctionData('transfer', call.data) as unknown as [string, bigint];
  return { token: getAddress(call.to), address: getAddress(to), amount };
}
