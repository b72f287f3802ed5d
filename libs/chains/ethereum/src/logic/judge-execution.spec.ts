import { AbiCoder, getAddress, Wallet, zeroPadValue } from 'ethers';
import { EXECUTION_FAILURE_TOPIC, EXECUTION_SUCCESS_TOPIC, OPERATION_DELEGATECALL, TRANSFER_TOPIC } from '../constants';
import type { BlockLog } from '../types';
import { buildSafeTx } from './build-safe-tx';
import { judgeExecution } from './judge-execution';

const safe = getAddress(Wallet.createRandom().address);
const usdc = getAddress(Wallet.createRandom().address);
const bad = getAddress(Wallet.createRandom().address);
const [alice, bob] = [getAddress(Wallet.createRandom().address), getAddress(Wallet.createRandom().address)];
const tokenOf = (asset: string) => ({ USDC: usdc, BAD: bad })[asset] ?? null;

let index = 0;
const transfer = (token: string, to: string, amount: bigint, from = safe): BlockLog => ({
  transactionHash: '0x01',
  logIndex: index++,
  address: token,
  topics: [TRANSFER_TOPIC, zeroPadValue(from.toLowerCase(), 32), zeroPadValue(to.toLowerCase(), 32)],
  data: AbiCoder.defaultAbiCoder().encode(['uint256'], [amount]),
});
const safeEvent = (topic: string): BlockLog => ({
  transactionHash: '0x01',
  logIndex: index++,
  address: safe,
  topics: [topic],
  data: '0x',
});

describe('judgeExecution', () => {
  const tx = buildSafeTx(
    [
      { address: alice, asset: 'ETH', amount: 5n },
      { address: bob, asset: 'USDC', amount: 10n },
      { address: bob, asset: 'USDC', amount: 10n },
      { address: alice, asset: 'BAD', amount: 7n },
    ],
    tokenOf,
    0n,
  );

  it('judges each payout by its own Transfer log from the contract it called, in call order', () => {
    // One USDC log for two equal transfers to bob, none from BAD, and lookalikes that pay nothing.
    const logs = [
      safeEvent(EXECUTION_SUCCESS_TOPIC),
      transfer(usdc, bob, 10n),
      transfer(bad, bob, 10n),
      transfer(usdc, alice, 7n),
      transfer(bad, alice, 7n, bob),
    ];
    expect(judgeExecution({ status: 1, logs }, safe, tx)).toEqual({
      executed: true,
      payouts: [
        { token: null, address: alice, amount: 5n, paid: true },
        { token: usdc, address: bob, amount: 10n, paid: true },
        { token: usdc, address: bob, amount: 10n, paid: false },
        { token: bad, address: alice, amount: 7n, paid: false },
      ],
    });
  });

  it('pays nothing when the transaction reverted or the Safe did not execute', () => {
    const paidLogs = [transfer(usdc, bob, 10n), transfer(usdc, bob, 10n), transfer(bad, alice, 7n)];
    expect(judgeExecution({ status: 0, logs: [] }, safe, tx)).toEqual({
      executed: false,
      reason: 'the transaction reverted',
    });
    expect(
      judgeExecution({ status: 1, logs: [safeEvent(EXECUTION_FAILURE_TOPIC), ...paidLogs] }, safe, tx),
    ).toMatchObject({ executed: false });
    expect(judgeExecution({ status: 1, logs: paidLogs }, safe, tx)).toMatchObject({
      executed: false,
      reason: 'no ExecutionSuccess from the Safe',
    });
  });

  it('refuses to judge a transaction that is not a payment it can read', () => {
    const logs = [safeEvent(EXECUTION_SUCCESS_TOPIC)];
    expect(() => judgeExecution({ status: 1, logs }, safe, { ...tx, to: usdc })).toThrow(
      /cannot judge .*delegatecalls/,
    );
    const call = buildSafeTx([{ address: bob, asset: 'USDC', amount: 1n }], tokenOf, 0n);
    expect(() =>
      judgeExecution({ status: 1, logs }, safe, { ...call, data: '0x095ea7b3' + call.data.slice(10) }),
    ).toThrow(/not transfer/);
    expect(() => judgeExecution({ status: 1, logs }, safe, { ...call, operation: OPERATION_DELEGATECALL + 1 })).toThrow(
      /cannot judge/,
    );
  });
});
