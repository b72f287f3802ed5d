/**
 * Bitcoin Core JSON-RPC 1.0 over HTTP with basic auth: the only I/O of the Bitcoin adapter.
 * Works against bitcoind and the bcoin regtest harness. Its types stay in this folder.
 */
export interface BitcoinRpcConfig {
  url: string;
  user?: string;
  password?: string;
  /** Per-call timeout (ms). */
  timeoutMs?: number;
}

export class BitcoinRpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method}: ${message} (${code})`);
  }
}

export class BitcoinRpc {
  private readonly auth?: string;
  private id = 0;

  constructor(private readonly config: BitcoinRpcConfig) {
    if (config.user !== undefined || config.password !== undefined) {
      this.auth = `Basic ${Buffer.from(`${config.user ?? ''}:${config.password ?? ''}`).toString('base64')}`;
    }
  }

  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.auth) headers.authorization = this.auth;
    const res = await fetch(this.config.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '1.0', id: ++this.id, method, params }),
      signal: AbortSignal.timeout(this.config.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let body: { result?: T; error?: { code: number; message: string } | null };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new BitcoinRpcError(method, res.status, `HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    if (body.error) throw new BitcoinRpcError(method, body.error.code, body.error.message);
    return body.result as T;
  }

  blockCount(): Promise<number> {
    return this.call('getblockcount');
  }
  blockHash(height: number): Promise<string> {
    return this.call('getblockhash', [height]);
  }
  async blockRaw(hash: string): Promise<Buffer> {
    // verbosity 0 → hex; Core and bcoin both accept it.
    return Buffer.from(await this.call<string>('getblock', [hash, 0]), 'hex');
  }
  async blockHeaderRaw(hash: string): Promise<Buffer> {
    return Buffer.from(await this.call<string>('getblockheader', [hash, false]), 'hex');
  }
  rawMempool(): Promise<string[]> {
    return this.call('getrawmempool', []);
  }
  async rawTransaction(txid: string): Promise<Buffer> {
    return Buffer.from(await this.call<string>('getrawtransaction', [txid, false]), 'hex');
  }
  transactionInfo(txid: string): Promise<{ blockhash?: string; confirmations?: number }> {
    return this.call('getrawtransaction', [txid, true]);
  }
  blockHeader(hash: string): Promise<{ height: number; confirmations: number }> {
    return this.call('getblockheader', [hash, true]);
  }
  sendRawTransaction(hex: string): Promise<string> {
    return this.call('sendrawtransaction', [hex]);
  }
  /** sat/vB, or undefined when the node has no estimate (Core: `errors`; bcoin: fee -1). */
  async estimateFeeRate(target: number): Promise<number | undefined> {
    const res = await this.call<{ feerate?: number; fee?: number; errors?: string[] }>('estimatesmartfee', [target]);
    const btcPerKvB = res.feerate ?? res.fee;
    if (btcPerKvB === undefined || btcPerKvB <= 0) return undefined;
    return (btcPerKvB * 1e8) / 1000;
  }
  /** Whether the output is unspent, counting spends already in the mempool (Core's include_mempool). */
  async isUnspent(txid: string, vout: number): Promise<boolean> {
    return (await this.call<unknown>('gettxout', [txid, vout, true])) !== null;
  }
  mempoolEntry(txid: string): Promise<unknown> {
    return this.call('getmempoolentry', [txid]);
  }
}
