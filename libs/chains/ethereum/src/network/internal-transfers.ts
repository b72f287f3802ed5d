import type { ChainTransfer } from '@strongroom/chains-core';
import { toQuantity } from 'ethers';
import type { AddressSet } from '../logic/address-set';
import {
  movesFromCallTracer,
  movesFromParityTraces,
  type CallTracerTx,
  type InternalTransfersMode,
  type ParityTrace,
  type TxMoves,
} from '../logic/internal-moves';
import { matchInternalTransfers } from '../logic/match-internal-transfers';
import type { EthereumRpc } from './ethereum-rpc';

/**
 * The ETH internal calls paid to watched addresses in one block, read from the node's traces.
 * Every block with transactions is traced — which transaction calls a deposit address cannot
 * be known without running it — so this is one trace request per block, the follower's most
 * expensive call. An empty block costs nothing. A trace the node cannot give fails the block
 * (the follower retries) instead of silently missing a deposit.
 */
export async function fetchInternalTransfers(
  rpc: EthereumRpc,
  mode: InternalTransfersMode,
  block: { height: number; hash: string },
  txHashes: readonly string[],
  watched: AddressSet,
  nativeAsset: string,
): Promise<ChainTransfer[]> {
  if (mode === 'off' || txHashes.length === 0 || watched.size === 0) return [];
  let moves: TxMoves[];
  try {
    moves =
      mode === 'callTracer'
        ? // By hash: the same block the transactions came from, even if a reorg replaced it meanwhile.
          movesFromCallTracer(
            await rpc.send<CallTracerTx[]>('debug_traceBlockByHash', [block.hash, { tracer: 'callTracer' }]),
            txHashes,
          )
        : // trace_block takes a number on most nodes; the block hash on each trace is checked instead.
          movesFromParityTraces(
            await rpc.send<ParityTrace[]>('trace_block', [toQuantity(block.height)]),
            block.hash,
            txHashes,
          );
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `internal transfers (${mode}) of block ${block.height} ${block.hash}: ${why}. A node without traces needs internalTransfers: 'off'.`,
      { cause: err },
    );
  }
  return matchInternalTransfers(moves, watched, nativeAsset);
}
