import type { ChainTransfer } from '@strongroom/chains-core';
import { getAddress } from 'ethers';
import { TRANSFER_TOPIC } from '../constants';
import type { BlockLog, BlockTx } from '../types';
import type { AddressSet } from './address-set';

/**
 * The deposits in one block: ETH sent by a successful transaction whose `to` is watched (keyed
 * `(txhash, "native")`), and `Transfer` logs of configured tokens whose recipient is watched
 * (keyed `(txhash, logIndex)`). ETH moved by internal calls is matched from traces, when they
 * are enabled (match-internal-transfers.ts).
 */
export function matchBlockTransfers(
  txs: readonly BlockTx[],
  logs: readonly BlockLog[],
  watched: AddressSet,
  assetOfToken: (token: string) => string | null,
  failed: (txHash: string) => boolean,
  nativeAsset = 'ETH',
): ChainTransfer[] {
  const out: ChainTransfer[] = [];
  for (const tx of txs) {
    if (tx.to && tx.value > 0n && watched.has(tx.to) && !failed(tx.hash)) {
      out.push({ txid: tx.hash, index: 'native', address: getAddress(tx.to), asset: nativeAsset, amount: tx.value });
    }
  }
  for (const log of logs) {
    if (log.topics.length !== 3 || log.topics[0] !== TRANSFER_TOPIC) continue;
    const to = `0x${log.topics[2].slice(26)}`;
    if (!watched.has(to)) continue;
    const asset = assetOfToken(log.address);
    if (!asset) continue;
    const amount = log.data === '0x' ? 0n : BigInt(log.data.slice(0, 66));
    if (amount === 0n) continue;
    out.push({ txid: log.transactionHash, index: String(log.logIndex), address: getAddress(to), asset, amount });
  }
  return out;
}
