/** A coin held by one of the file's scripts, as the node reports it. */
export interface Unspent {
  txid: string;
  vout: number;
  value: bigint;
  scriptPubKey: string;
}

/** Where the unspent outputs come from: Bitcoin Core's UTXO set scan or bcoin's address index. */
export interface UtxoSource {
  readonly name: string;
  unspent(outputs: { address: string; scriptPubKey: string }[]): Promise<Unspent[]>;
}

export interface NodeConfig {
  url: string;
  user: string;
  password: string;
}

export class BitcoinRpc {
  constructor(readonly config: NodeConfig) {}

  get auth(): string {
    return `Basic ${Buffer.from(`${this.config.user}:${this.config.password}`).toString('base64')}`;
  }

  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    const res = await fetch(this.config.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: this.auth },
      body: JSON.stringify({ jsonrpc: '1.0', id: 'recovery', method, params }),
    });
    const text = await res.text();
    let body: { result: T; error: { code: number; message: string } | null };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`${method}: HTTP ${res.status} ${text.slice(0, 200)}`);
    }
    if (body.error) throw Object.assign(new Error(`${method}: ${body.error.message}`), { rpcCode: body.error.code });
    return body.result;
  }
}

/** BTC as Core prints it (a JSON number with up to 8 decimals) to satoshis, without floating point. */
export function btcToSats(amount: number): bigint {
  const [whole, frac = ''] = amount.toFixed(8).split('.');
  return BigInt(whole) * 100_000_000n + BigInt(frac.padEnd(8, '0'));
}

/** Bitcoin Core: `scantxoutset start [raw(<scriptPubKey>)…]` over the confirmed UTXO set. */
export class CoreScan implements UtxoSource {
  readonly name = 'bitcoin-core:scantxoutset';
  constructor(private readonly rpc: BitcoinRpc) {}

  async unspent(outputs: { scriptPubKey: string }[]): Promise<Unspent[]> {
    const res = await this.rpc.call<{
      success: boolean;
      unspents: { txid: string; vout: number; scriptPubKey: string; amount: number }[];
    }>('scantxoutset', ['start', outputs.map((o) => ({ desc: `raw(${o.scriptPubKey})` }))]);
    if (!res.success) throw new Error('scantxoutset did not complete');
    return res.unspents.map((u) => ({
      txid: u.txid,
      vout: u.vout,
      value: btcToSats(u.amount),
      scriptPubKey: u.scriptPubKey,
    }));
  }
}

/**
 * bcoin 1.0.2 reads any 64-character string as a hex hash, and a regtest P2WSH address (bcrt1q…)
 * is 64 characters: asked by address it answers nothing. Its index is keyed by the witness
 * program, so P2WSH outputs are asked by that (hex); others by address.
 */
function indexKey(o: { address: string; scriptPubKey: string }): string {
  return /^0020[0-9a-f]{64}$/.test(o.scriptPubKey) ? o.scriptPubKey.slice(4) : o.address;
}

/** bcoin (indexAddress on): `POST /coin/address {addresses}` on its HTTP API, chain and mempool. */
export class BcoinAddressIndex implements UtxoSource {
  readonly name = 'bcoin:coin/address';
  constructor(private readonly rpc: BitcoinRpc) {}

  async unspent(outputs: { address: string; scriptPubKey: string }[]): Promise<Unspent[]> {
    const res = await fetch(new URL('coin/address', this.rpc.config.url.replace(/\/?$/, '/')), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: this.rpc.auth },
      body: JSON.stringify({ addresses: outputs.map(indexKey) }),
    });
    if (!res.ok) throw new Error(`bcoin coin/address: HTTP ${res.status}`);
    const coins = (await res.json()) as { hash: string; index: number; value: number; script: string }[];
    const wanted = new Set(outputs.map((o) => o.scriptPubKey));
    return coins
      .filter((c) => wanted.has(c.script))
      .map((c) => ({ txid: c.hash, vout: c.index, value: BigInt(c.value), scriptPubKey: c.script }));
  }
}

/** `auto`: Core's scan when the node has it (method not found is -32601), else bcoin's index. */
export async function utxoSource(rpc: BitcoinRpc, kind: 'auto' | 'core' | 'bcoin'): Promise<UtxoSource> {
  if (kind === 'core') return new CoreScan(rpc);
  if (kind === 'bcoin') return new BcoinAddressIndex(rpc);
  try {
    const help = await rpc.call<string>('help', ['scantxoutset']);
    if (typeof help === 'string' && help.includes('scantxoutset')) return new CoreScan(rpc);
  } catch {
    /* no such method */
  }
  return new BcoinAddressIndex(rpc);
}
