import { JsonRpcProvider, keccak256, toQuantity } from 'ethers';
import type { BlockLog, BlockTx } from '../types';

interface RpcBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  transactions: { hash: string; to: string | null; value: string }[];
}
interface RpcLog {
  blockHash: string;
  transactionHash: string;
  logIndex: string;
  address: string;
  topics: string[];
  data: string;
  removed?: boolean;
}
interface RpcReceipt {
  transactionHash: string;
  status: string;
  blockNumber: string;
  blockHash: string;
  gasUsed: string;
  effectiveGasPrice: string;
  logs: RpcLog[];
}

const toLog = (l: RpcLog): BlockLog => ({
  transactionHash: l.transactionHash,
  logIndex: Number(l.logIndex),
  address: l.address,
  topics: l.topics,
  data: l.data,
});

/**
 * The only I/O of the Ethereum adapter: raw JSON-RPC through one ethers provider with caching
 * off (`cacheTimeout: -1`: ethers would otherwise serve identical reads from a 250 ms cache,
 * wrong against a node that mines instantly). Everything returned is our own plain types.
 */
export class EthereumRpc {
  private readonly provider: JsonRpcProvider;

  constructor(
    readonly url: string,
    chainId?: bigint,
  ) {
    this.provider = new JsonRpcProvider(url, chainId === undefined ? undefined : Number(chainId), {
      cacheTimeout: -1,
      staticNetwork: chainId !== undefined,
      // Requests issued together go out as one JSON-RPC batch, without ethers' 10 ms wait.
      batchMaxCount: 100,
      batchStallTime: 0,
    });
  }

  send<T>(method: string, params: unknown[]): Promise<T> {
    return this.provider.send(method, params) as Promise<T>;
  }

  async chainId(): Promise<bigint> {
    return BigInt(await this.send<string>('eth_chainId', []));
  }

  async blockRef(
    height: number | 'latest',
  ): Promise<{ height: number; hash: string; parentHash: string; time: number } | null> {
    const b = await this.send<RpcBlock | null>('eth_getBlockByNumber', [
      height === 'latest' ? 'latest' : toQuantity(height),
      false,
    ]);
    return b && { height: Number(b.number), hash: b.hash, parentHash: b.parentHash, time: Number(b.timestamp) };
  }

  /**
   * A block's transactions and the Transfer logs of `tokens` in it. Both are asked for in one
   * JSON-RPC batch (by number); if a reorg slips between them — a log whose blockHash is not the
   * block's — the logs are fetched again by block hash, so both always describe the same block.
   */
  async blockWithLogs(
    height: number,
    tokens: string[],
    topic: string,
  ): Promise<{
    ref: { height: number; hash: string; parentHash: string; time: number };
    txs: BlockTx[];
    logs: BlockLog[];
  } | null> {
    const q = toQuantity(height);
    const [b, byNumber] = await Promise.all([
      this.send<RpcBlock | null>('eth_getBlockByNumber', [q, true]),
      tokens.length === 0
        ? Promise.resolve([] as RpcLog[])
        : this.send<RpcLog[]>('eth_getLogs', [{ fromBlock: q, toBlock: q, address: tokens, topics: [topic] }]),
    ]);
    if (!b) return null;
    let logs = byNumber;
    if (logs.some((l) => l.blockHash !== b.hash)) {
      logs = await this.send<RpcLog[]>('eth_getLogs', [{ blockHash: b.hash, address: tokens, topics: [topic] }]);
    }
    return {
      ref: { height: Number(b.number), hash: b.hash, parentHash: b.parentHash, time: Number(b.timestamp) },
      txs: b.transactions.map((t) => ({ hash: t.hash, to: t.to, value: BigInt(t.value) })),
      logs: logs.filter((l) => !l.removed).map(toLog),
    };
  }

  async receipt(txid: string): Promise<{
    status: number;
    blockNumber: number;
    blockHash: string;
    gasUsed: bigint;
    effectiveGasPrice: bigint;
    logs: BlockLog[];
  } | null> {
    const r = await this.send<RpcReceipt | null>('eth_getTransactionReceipt', [txid]);
    return (
      r && {
        status: Number(r.status),
        blockNumber: Number(r.blockNumber),
        blockHash: r.blockHash,
        gasUsed: BigInt(r.gasUsed),
        effectiveGasPrice: BigInt(r.effectiveGasPrice),
        logs: r.logs.map(toLog),
      }
    );
  }

  async transaction(
    txid: string,
  ): Promise<{ to: string | null; input: string; blockNumber: number | null; from: string } | null> {
    const t = await this.send<{ to: string | null; input: string; blockNumber: string | null; from: string } | null>(
      'eth_getTransactionByHash',
      [txid],
    );
    return (
      t && {
        to: t.to,
        input: t.input,
        from: t.from,
        blockNumber: t.blockNumber === null ? null : Number(t.blockNumber),
      }
    );
  }

  async codeHash(address: string): Promise<string | null> {
    const code = await this.send<string>('eth_getCode', [address, 'latest']);
    return code === '0x' ? null : keccak256(code);
  }

  call(to: string, data: string, from?: string): Promise<string> {
    return this.send<string>('eth_call', [{ to, data, ...(from ? { from } : {}) }, 'latest']);
  }

  async balance(address: string): Promise<bigint> {
    return BigInt(await this.send<string>('eth_getBalance', [address, 'latest']));
  }

  async pendingNonce(address: string): Promise<number> {
    return Number(await this.send<string>('eth_getTransactionCount', [address, 'pending']));
  }

  async estimateGas(from: string, to: string, data: string): Promise<bigint> {
    return BigInt(await this.send<string>('eth_estimateGas', [{ from, to, data }]));
  }

  /** EIP-1559 caps suggestion: tip from the node, fee cap = 2 × base fee + tip. */
  async suggestFees(): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    const [block, tip] = await Promise.all([
      this.send<{ baseFeePerGas?: string }>('eth_getBlockByNumber', ['latest', false]),
      this.send<string>('eth_maxPriorityFeePerGas', []).catch(() => '0x3b9aca00'),
    ]);
    const base = BigInt(block.baseFeePerGas ?? '0x0');
    return { maxFeePerGas: 2n * base + BigInt(tip), maxPriorityFeePerGas: BigInt(tip) };
  }

  /** Sends a raw transaction; a node that already has it counts as success. */
  async sendRaw(raw: string, txid: string): Promise<{ txid: string; alreadyKnown: boolean }> {
    try {
      const got = await this.send<string>('eth_sendRawTransaction', [raw]);
      return { txid: got, alreadyKnown: false };
    } catch (err) {
      const msg = String(
        (err as { error?: { message?: string } }).error?.message ?? (err as Error).message,
      ).toLowerCase();
      if (msg.includes('already known') || msg.includes('already imported') || msg.includes('known transaction'))
        return { txid, alreadyKnown: true };
      // A mined transaction re-sent reports "nonce too low": it is ours if its receipt exists.
      if (msg.includes('nonce too low') && (await this.receipt(txid))) return { txid, alreadyKnown: true };
      throw err;
    }
  }

  destroy(): void {
    this.provider.destroy();
  }
}
