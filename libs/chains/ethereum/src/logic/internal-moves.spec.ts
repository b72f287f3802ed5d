import { AddressSet } from './address-set';
import {
  movesFromCallTracer,
  movesFromParityTraces,
  type CallFrame,
  type CallTracerTx,
  type ParityTrace,
} from './internal-moves';
import { matchInternalTransfers } from './match-internal-transfers';

// Recorded from anvil 1.7.1 (debug_traceBlockByHash with callTracer, and trace_block) for
// contracts/test/TestForwarder.sol; gas, input and output fields dropped.
const DEP = '0xa075d3be100312a8eddd66ad7c040b1fa30b5e2c';
const DEP2 = '0xd766024a36ecdea70016383ec94a63aa1708c90b';
const EOA = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';
const FWD = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const BLOCK = '0x8d499c8740974bf5a29d89453b12b40366dd0b8e26e9309d9988c277b7b3bb2e';
const TX = {
  forward: '0x843285343f3618f9640f069d3b0beed10fb843a0c570a15e57477c6349b2f3e7',
  reverted: '0xbbeba3706870a1879b461e22387e57663a07a21871f7dbcc8097439d7361758c',
  delegate: '0x294259ca04ba993dbaef9591ea8ce08bf0a8eda327f1afd79fe607cad7d5cb3c',
  destroy: '0xfa653c6aa4fb3f60e391a5d0745d2a4d02606bb41b4a2503a07e77c504952955',
  failedTop: '0xf4ca827bff183c3b6cba211d9aa36e655f83574400fa739aff8f6b68974862de',
};

const callTracer: CallTracerTx[] = [
  {
    txHash: TX.forward,
    result: {
      from: EOA,
      to: FWD,
      value: '0xc',
      type: 'CALL',
      calls: [
        { from: FWD, to: DEP, value: '0x5', type: 'CALL' },
        { from: FWD, to: DEP2, value: '0x7', type: 'CALL' },
      ],
    },
  },
  {
    txHash: TX.reverted,
    result: {
      from: EOA,
      to: FWD,
      value: '0x3',
      type: 'CALL',
      calls: [
        {
          from: FWD,
          to: FWD,
          error: 'execution reverted',
          value: '0x3',
          type: 'CALL',
          calls: [{ from: FWD, to: DEP, value: '0x3', type: 'CALL' }],
        },
      ],
    },
  },
  {
    txHash: TX.delegate,
    result: {
      from: EOA,
      to: FWD,
      value: '0x4',
      type: 'CALL',
      calls: [{ from: FWD, to: DEP, value: '0x4', type: 'DELEGATECALL' }],
    },
  },
  {
    txHash: TX.destroy,
    result: {
      from: EOA,
      to: FWD,
      value: '0x9',
      type: 'CALL',
      calls: [
        {
          from: FWD,
          to: '0xa16e02e87b7454126e5e10d957a927a7f5b5d2be',
          value: '0x9',
          type: 'CREATE',
          calls: [{ from: '0xa16e02e87b7454126e5e10d957a927a7f5b5d2be', to: DEP, value: '0x9', type: 'SELFDESTRUCT' }],
        },
      ],
    },
  },
  {
    txHash: TX.failedTop,
    result: {
      from: EOA,
      to: FWD,
      error: 'execution reverted',
      value: '0x1',
      type: 'CALL',
      calls: [{ from: FWD, to: DEP, error: 'insufficient balance for transfer', value: '0x32', type: 'CALL' }],
    },
  },
];

const p = (
  txHash: string,
  traceAddress: number[],
  type: string,
  action: ParityTrace['action'],
  extra: Partial<ParityTrace> = {},
): ParityTrace => ({ type, action, traceAddress, transactionHash: txHash, blockHash: BLOCK, result: {}, ...extra });
const parity: ParityTrace[] = [
  p(TX.forward, [], 'call', { from: EOA, callType: 'call', to: FWD, value: '0xc' }),
  p(TX.forward, [0], 'call', { from: FWD, callType: 'call', to: DEP, value: '0x5' }),
  p(TX.forward, [1], 'call', { from: FWD, callType: 'call', to: DEP2, value: '0x7' }),
  p(TX.reverted, [], 'call', { from: EOA, callType: 'call', to: FWD, value: '0x3' }),
  p(TX.reverted, [0], 'call', { from: FWD, callType: 'call', to: FWD, value: '0x3' }, { error: 'Reverted' }),
  p(TX.reverted, [0, 0], 'call', { from: FWD, callType: 'call', to: DEP, value: '0x3' }),
  p(TX.delegate, [], 'call', { from: EOA, callType: 'call', to: FWD, value: '0x4' }),
  p(TX.delegate, [0], 'call', { from: FWD, callType: 'delegatecall', to: DEP, value: '0x4' }),
  p(TX.destroy, [], 'call', { from: EOA, callType: 'call', to: FWD, value: '0x9' }),
  p(
    TX.destroy,
    [0],
    'create',
    { from: FWD, value: '0x9' },
    { result: { address: '0xa16e02e87b7454126e5e10d957a927a7f5b5d2be' } },
  ),
  p(
    TX.destroy,
    [0, 0],
    'suicide',
    { address: '0xa16e02e87b7454126e5e10d957a927a7f5b5d2be', balance: '0x9', refundAddress: DEP },
    { result: null },
  ),
  p(TX.failedTop, [], 'call', { from: EOA, callType: 'call', to: FWD, value: '0x1' }, { error: 'Reverted' }),
  p(
    TX.failedTop,
    [0],
    'call',
    { from: FWD, callType: 'call', to: DEP, value: '0x32' },
    { error: 'Insufficient balance for transfer', result: null },
  ),
  // A block reward (pre-merge chains) belongs to no transaction.
  {
    type: 'reward',
    action: { value: '0x1bc16d674ec80000' },
    traceAddress: [],
    transactionHash: null,
    blockHash: BLOCK,
  },
];
const hashes = Object.values(TX);

const watched = new AddressSet();
watched.add(DEP);
watched.add(DEP2);

describe('internal ETH moves from call traces', () => {
  it('reads the recorded anvil traces the same way in both formats', () => {
    const fromCalls = movesFromCallTracer(callTracer, hashes);
    expect(movesFromParityTraces(parity, BLOCK, hashes)).toEqual(fromCalls);
    expect(fromCalls.map((t) => t.moves.map((m) => [m.kind, m.to, m.value]))).toEqual([
      [
        ['call', DEP, 5n],
        ['call', DEP2, 7n],
      ],
      [], // paid inside a frame that reverted: the payment has no error of its own
      [], // a DELEGATECALL shows the caller's value but moves nothing
      [
        ['create', '0xa16e02e87b7454126e5e10d957a927a7f5b5d2be', 9n],
        ['selfdestruct', DEP, 9n],
      ],
      [], // the whole transaction reverted
    ]);
  });

  it('credits CALLs and SELFDESTRUCTs to watched addresses, indexed by their place among the moves', () => {
    const transfers = matchInternalTransfers(movesFromCallTracer(callTracer, hashes), watched, 'ETH');
    expect(transfers.map((t) => [t.txid, t.index, t.address.toLowerCase(), t.amount])).toEqual([
      [TX.forward, 'i0', DEP, 5n],
      [TX.forward, 'i1', DEP2, 7n],
      [TX.destroy, 'i1', DEP, 9n],
    ]);
    expect(transfers.every((t) => t.asset === 'ETH')).toBe(true);
  });

  it('never credits a CREATE or CREATE2 with value at a watched address (only our sweeper is created there)', () => {
    const tx: CallTracerTx = {
      txHash: TX.forward,
      result: {
        from: EOA,
        to: FWD,
        type: 'CALL',
        calls: [
          {
            from: FWD,
            to: DEP,
            value: '0x64',
            type: 'CREATE2',
            calls: [{ from: DEP, to: DEP2, value: '0x64', type: 'SELFDESTRUCT' }],
          },
        ],
      },
    };
    const moves = movesFromCallTracer([tx], [TX.forward]);
    expect(moves[0].moves.map((m) => m.kind)).toEqual(['create', 'selfdestruct']);
    expect(matchInternalTransfers(moves, watched).map((t) => [t.index, t.address.toLowerCase()])).toEqual([
      ['i1', DEP2],
    ]);
  });

  it('skips CALLCODE, STATICCALL, value-less calls and self-payments; ignores precompile calls only geth lists', () => {
    const frames: CallFrame[] = [
      { from: FWD, to: '0x0000000000000000000000000000000000000001', type: 'STATICCALL' },
      { from: FWD, to: '0x0000000000000000000000000000000000000004', value: '0x1', type: 'CALL' },
      { from: FWD, to: DEP, value: '0x2', type: 'CALLCODE' },
      { from: FWD, to: DEP, value: '0x0', type: 'CALL' },
      { from: FWD, to: FWD, value: '0x3', type: 'CALL' },
      { from: FWD, to: DEP, value: '0x4', type: 'CALL' },
    ];
    const geth = movesFromCallTracer(
      [{ txHash: TX.forward, result: { from: EOA, to: FWD, type: 'CALL', calls: frames } }],
      [TX.forward],
    );
    const parityStyle = movesFromParityTraces(
      [
        p(TX.forward, [], 'call', { from: EOA, callType: 'call', to: FWD, value: '0x0' }),
        p(TX.forward, [0], 'call', { from: FWD, callType: 'callcode', to: DEP, value: '0x2' }),
        p(TX.forward, [1], 'call', { from: FWD, callType: 'call', to: DEP, value: '0x0' }),
        p(TX.forward, [2], 'call', { from: FWD, callType: 'call', to: FWD, value: '0x3' }),
        p(TX.forward, [3], 'call', { from: FWD, callType: 'call', to: DEP, value: '0x4' }),
      ],
      BLOCK,
      [TX.forward],
    );
    expect(geth).toEqual(parityStyle);
    expect(matchInternalTransfers(geth, watched).map((t) => [t.index, t.amount])).toEqual([['i0', 4n]]);
  });

  it('ignores every descendant of a failed frame, however deep, and keeps its later siblings', () => {
    const deep: CallFrame = {
      from: FWD,
      to: FWD,
      type: 'CALL',
      error: 'out of gas',
      calls: [{ from: FWD, to: FWD, type: 'CALL', calls: [{ from: FWD, to: DEP, value: '0x1', type: 'CALL' }] }],
    };
    const after: CallFrame = { from: FWD, to: DEP2, value: '0x2', type: 'CALL' };
    const moves = movesFromCallTracer(
      [{ txHash: TX.forward, result: { from: EOA, to: FWD, type: 'CALL', calls: [deep, after] } }],
      [TX.forward],
    );
    expect(moves[0].moves).toEqual([{ kind: 'call', from: FWD, to: DEP2, value: 2n }]);
    // The same in parity form, listed out of order: sorting by trace address restores execution order.
    const flat = movesFromParityTraces(
      [
        p(TX.forward, [1], 'call', { from: FWD, callType: 'call', to: DEP2, value: '0x2' }),
        p(TX.forward, [0, 0, 0], 'call', { from: FWD, callType: 'call', to: DEP, value: '0x1' }),
        p(TX.forward, [0, 0], 'call', { from: FWD, callType: 'call', to: FWD, value: '0x0' }),
        p(TX.forward, [0], 'call', { from: FWD, callType: 'call', to: FWD, value: '0x0' }, { error: 'Out of gas' }),
        p(TX.forward, [], 'call', { from: EOA, callType: 'call', to: FWD, value: '0x0' }),
      ],
      BLOCK,
      [TX.forward],
    );
    expect(flat).toEqual(moves);
  });

  it('accepts geth output without txHash (older versions) by position', () => {
    const noHash = callTracer.map(({ result }) => ({ result }));
    expect(movesFromCallTracer(noHash, hashes)).toEqual(movesFromCallTracer(callTracer, hashes));
  });

  it('refuses a trace that does not describe exactly the block it was asked for', () => {
    expect(() => movesFromCallTracer(callTracer.slice(1), hashes)).toThrow(/4 traces for 5 transactions/);
    expect(() => movesFromCallTracer([callTracer[1], callTracer[0], ...callTracer.slice(2)], hashes)).toThrow(/is for/);
    expect(() => movesFromCallTracer([{ txHash: TX.forward, error: 'execution timeout' }], [TX.forward])).toThrow(
      /execution timeout/,
    );
    expect(() => movesFromParityTraces(parity, `0x${'ab'.repeat(32)}`, hashes)).toThrow(/expected/);
    expect(() =>
      movesFromParityTraces(
        parity.filter((t) => t.transactionHash !== TX.delegate),
        BLOCK,
        hashes,
      ),
    ).toThrow(/no root trace/);
    expect(() => movesFromParityTraces(parity, BLOCK, hashes.slice(1))).toThrow(/not in block/);
  });
});
