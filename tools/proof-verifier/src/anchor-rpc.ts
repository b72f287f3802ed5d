import type { AnchorTx } from './anchor-ethereum';

/**
 * Reading anchors from an Ethereum JSON-RPC node (the only I/O of the verifier, kept apart):
 * a transaction by hash with its receipt's status, and every transaction of a sender in a block
 * range (what a watcher scans for equivocation). `fetch` only, so it runs in Node and browsers.
 */
async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

interface RpcTx {
  hash: string;
  from: string;
  to: string | null;
  value: string;
  input: string;
  chainId?: string;
  blockNumber: string | null;
}

async function withStatus(url: string, tx: RpcTx): Promise<AnchorTx> {
  const receipt = tx.blockNumber
    ? await rpc<{ status: string } | null>(url, 'eth_getTransactionReceipt', [tx.hash])
    : null;
  return {
    ...tx,
    blockNumber: tx.blockNumber === null ? null : Number(BigInt(tx.blockNumber)),
    status: receipt ? Number(BigInt(receipt.status)) : null,
  };
}

/** A transaction and its receipt's status; null when the node does not know the hash. */
export async function fetchAnchorTx(url: string, hash: string): Promise<AnchorTx | null> {
  const tx = await rpc<RpcTx | null>(url, 'eth_getTransactionByHash', [hash]);
  return tx ? withStatus(url, tx) : null;
}

/** Every transaction sent by `from` in blocks `fromBlock`..`toBlock` (inclusive; latest when absent). */
export async function fetchSentBy(url: string, from: string, fromBlock: number, toBlock?: number): Promise<AnchorTx[]> {
  const last = toBlock ?? Number(BigInt(await rpc<string>(url, 'eth_blockNumber', [])));
  const out: AnchorTx[] = [];
  for (let n = fromBlock; n <= last; n++) {
    const block = await rpc<{ transactions: RpcTx[] } | null>(url, 'eth_getBlockByNumber', [
      `0x${n.toString(16)}`,
      true,
    ]);
    for (const tx of block?.transactions ?? [])
      if (tx.from.toLowerCase() === from.toLowerCase()) out.push(await withStatus(url, tx));
  }
  return out;
}
