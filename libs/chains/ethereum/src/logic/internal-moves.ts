/**
 * ETH moved inside transactions, read from a node's call traces. Two trace formats exist:
 * geth's `callTracer` (debug_traceBlockBy*: one call tree per transaction) and the parity-style
 * `trace_block` (erigon, nethermind, reth, anvil: one flat list per block). Both are reduced to
 * the same thing here — per transaction, the frames that really moved ETH, in execution order —
 * so an internal transfer gets the same index whichever tracer the node offers.
 */

/** How the adapter finds ETH paid by internal calls (contract → deposit address). */
export type InternalTransfersMode = 'off' | 'callTracer' | 'parityTrace';

/** One frame of geth's callTracer, as far as we read it. */
export interface CallFrame {
  type: string;
  from: string;
  to?: string;
  value?: string;
  error?: string;
  calls?: CallFrame[];
}

/** One transaction's entry in `debug_traceBlockByHash(…, {tracer: 'callTracer'})`. */
export interface CallTracerTx {
  txHash?: string;
  result?: CallFrame;
  error?: string;
}

/** One entry of a parity-style `trace_block`. */
export interface ParityTrace {
  type: string;
  action: {
    callType?: string;
    from?: string;
    to?: string;
    value?: string;
    address?: string;
    refundAddress?: string;
    balance?: string;
  };
  result?: { address?: string } | null;
  error?: string;
  traceAddress: number[];
  transactionHash?: string | null;
  blockHash?: string;
}

/** A frame that moved ETH from one account to another and was not undone. */
export interface InternalMove {
  kind: 'call' | 'create' | 'selfdestruct';
  from: string;
  to: string;
  value: bigint;
}

export interface TxMoves {
  txHash: string;
  /** In execution order; a move's position here is its `i<k>` index. */
  moves: InternalMove[];
}

/**
 * Frames to addresses below 0x10000 (precompiles, on every chain we know) are not counted:
 * geth's callTracer lists calls to precompiles and parity-style traces do not, and counting
 * them would give the same transfer another index under the other tracer.
 */
function counted(m: InternalMove): boolean {
  return m.value > 0n && m.from.toLowerCase() !== m.to.toLowerCase() && !/^0x0{36}/i.test(m.to);
}

const amount = (hex: string | undefined): bigint => (hex && hex !== '0x' ? BigInt(hex) : 0n);

/** A callTracer frame's own ETH movement, or null (DELEGATECALL, STATICCALL and CALLCODE move none). */
function callFrameMove(f: CallFrame): InternalMove | null {
  const type = f.type.toUpperCase();
  const kind =
    type === 'CALL'
      ? 'call'
      : type === 'CREATE' || type === 'CREATE2'
        ? 'create'
        : type === 'SELFDESTRUCT'
          ? 'selfdestruct'
          : null;
  if (!kind || !f.to) return null;
  return { kind, from: f.from, to: f.to, value: amount(f.value) };
}

/**
 * Moves per transaction from callTracer output. `txHashes` are the block's transactions in
 * order: the trace must cover exactly them, or it describes another block (or is cut short)
 * and we refuse it rather than miss a deposit.
 */
export function movesFromCallTracer(traces: readonly CallTracerTx[], txHashes: readonly string[]): TxMoves[] {
  if (traces.length !== txHashes.length)
    throw new Error(`callTracer returned ${traces.length} traces for ${txHashes.length} transactions`);
  return traces.map((t, i) => {
    const txHash = txHashes[i];
    if (t.txHash !== undefined && t.txHash.toLowerCase() !== txHash.toLowerCase())
      throw new Error(`callTracer trace ${i} is for ${t.txHash}, the block has ${txHash}`);
    if (!t.result) throw new Error(`callTracer could not trace ${txHash}: ${t.error ?? 'no result'}`);
    const moves: InternalMove[] = [];
    // The root frame is the transaction itself (its value is the "native" transfer). A frame
    // with an error was undone with everything below it, although its children show no error.
    const walk = (f: CallFrame, root: boolean) => {
      if (f.error) return;
      const m = root ? null : callFrameMove(f);
      if (m && counted(m)) moves.push(m);
      for (const c of f.calls ?? []) walk(c, false);
    };
    walk(t.result, true);
    return { txHash, moves };
  });
}

/** A parity trace's own ETH movement, or null. */
function parityMove(t: ParityTrace): InternalMove | null {
  const a = t.action;
  if (t.type === 'call')
    return a.callType === 'call' && a.from && a.to
      ? { kind: 'call', from: a.from, to: a.to, value: amount(a.value) }
      : null;
  if (t.type === 'create')
    return a.from && t.result?.address
      ? { kind: 'create', from: a.from, to: t.result.address, value: amount(a.value) }
      : null;
  if (t.type === 'suicide' || t.type === 'selfdestruct')
    return a.address && a.refundAddress
      ? { kind: 'selfdestruct', from: a.address, to: a.refundAddress, value: amount(a.balance) }
      : null;
  return null; // 'reward' and anything newer
}

const comparePaths = (a: readonly number[], b: readonly number[]) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
};

/**
 * Moves per transaction from a parity-style `trace_block`. Every trace must carry `blockHash`
 * (the block asked for by number may have been replaced meanwhile) and every transaction of
 * the block must have its root trace.
 */
export function movesFromParityTraces(
  traces: readonly ParityTrace[],
  blockHash: string,
  txHashes: readonly string[],
): TxMoves[] {
  const byTx = new Map<string, ParityTrace[]>(txHashes.map((h) => [h.toLowerCase(), []]));
  for (const t of traces) {
    if (!t.transactionHash) continue; // block and uncle rewards
    if (t.blockHash?.toLowerCase() !== blockHash.toLowerCase())
      throw new Error(`trace_block returned traces of block ${t.blockHash}, expected ${blockHash}`);
    const list = byTx.get(t.transactionHash.toLowerCase());
    if (!list) throw new Error(`trace_block traced ${t.transactionHash}, which is not in block ${blockHash}`);
    list.push(t);
  }
  return txHashes.map((txHash) => {
    // Sorting by trace address is execution (pre-)order, whatever order the node listed them in.
    const list = [...(byTx.get(txHash.toLowerCase()) ?? [])].sort((a, b) =>
      comparePaths(a.traceAddress, b.traceAddress),
    );
    if (list[0]?.traceAddress.length !== 0) throw new Error(`trace_block has no root trace for ${txHash}`);
    const failed: string[] = [];
    const moves: InternalMove[] = [];
    for (const t of list) {
      const path = t.traceAddress.join('.');
      // Pre-order: an undone ancestor, if any, was seen before its descendants.
      if (failed.some((p) => p === '' || path === p || path.startsWith(`${p}.`))) continue;
      if (t.error) {
        failed.push(path);
        continue;
      }
      if (path === '') continue; // the transaction itself
      const m = parityMove(t);
      if (m && counted(m)) moves.push(m);
    }
    return { txHash, moves };
  });
}
