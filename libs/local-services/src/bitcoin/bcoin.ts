/**
 * The slice of bcoin@1.0.2 (untyped, CommonJS) the regtest harness uses. bcoin hashes are
 * Buffers in internal byte order; `rhash()`/`txid()` give the reversed hex that RPC shows.
 */
export interface BcoinAddress {
  toString(network?: unknown): string;
}

export interface BcoinOutput {
  value: number;
  script: { toRaw(): Buffer; toJSON(): string };
  getAddress(): BcoinAddress | null;
}

/** Internal-order hashes are hex strings in bcoin 1.0.2 (`hash('hex')`). */
export interface BcoinTx {
  hash(enc: 'hex'): string;
  txid(): string;
  isCoinbase(): boolean;
  toRaw(): Buffer;
  outputs: BcoinOutput[];
}

export interface BcoinCoin {
  hash: string;
  index: number;
  value: number;
  height: number;
  coinbase: boolean;
  script: { toRaw(): Buffer };
  txid(): string;
}

export interface BcoinBlock {
  hash(enc: 'hex'): string;
  rhash(): string;
  txs: BcoinTx[];
  toRaw(): Buffer;
}

export interface BcoinEntry {
  hash: string;
  height: number;
  prevBlock: string;
}

export interface BcoinMempoolEntry {
  tx: BcoinTx;
}

export interface BcoinMempool {
  addTX(tx: BcoinTx): Promise<unknown[] | null>;
  hasEntry(hash: string): boolean;
  getEntry(hash: string): BcoinMempoolEntry | null;
  evictEntry(entry: BcoinMempoolEntry): void;
  removeOrphan(hash: string): void;
  hasOrphan(hash: string): boolean;
  isSpent(hash: string, index: number): boolean;
}

export interface BcoinChain {
  height: number;
  tip: BcoinEntry;
  add(block: BcoinBlock): Promise<BcoinEntry | null>;
  getEntryByHeight(height: number): Promise<BcoinEntry | null>;
  getEntry(hash: string): Promise<BcoinEntry | null>;
  getBlock(hash: string): Promise<BcoinBlock | null>;
  hasCoins(tx: BcoinTx): Promise<boolean>;
}

export interface BcoinMiner {
  mempool: BcoinMempool | null;
  mineBlock(tip: BcoinEntry, address: BcoinAddress): Promise<BcoinBlock>;
}

export interface BcoinRpc {
  calls: Record<string, (args: unknown[], help: boolean) => Promise<unknown>>;
}

export interface BcoinFullNode {
  chain: BcoinChain;
  mempool: BcoinMempool;
  miner: BcoinMiner;
  rpc: BcoinRpc;
  http: { http: { address(): { port: number } } };
  open(): Promise<void>;
  connect(): Promise<void>;
  close(): Promise<void>;
  getCoinsByAddress(addrs: BcoinAddress[]): Promise<BcoinCoin[]>;
  getCoin(hash: string, index: number): Promise<BcoinCoin | null>;
  getMeta(hash: string): Promise<{ height: number } | null>;
}

export interface BcoinMtx {
  addOutput(address: BcoinAddress, value: number): void;
  fund(coins: BcoinCoin[], options: Record<string, unknown>): Promise<void>;
  sign(ring: unknown): number;
  toTX(): BcoinTx;
}

export interface BcoinModule {
  FullNode: new (options: Record<string, unknown>) => BcoinFullNode;
  Network: { get(type: string): BcoinNetwork };
  KeyRing: { fromPrivate(key: Buffer): BcoinKeyRing };
  Address: { fromString(addr: string, network?: unknown): BcoinAddress };
  MTX: new () => BcoinMtx;
  TX: { fromRaw(raw: Buffer): BcoinTx & { verify(view: unknown, flags?: number): boolean } };
  Coin: {
    fromOptions(options: { hash: string; index: number; value: number; script: unknown; height?: number }): unknown;
  };
  CoinView: new () => { addCoin(coin: unknown): void };
  Script: { fromRaw(raw: Buffer): unknown };
}

export interface BcoinKeyRing {
  witness: boolean;
  getAddress(): BcoinAddress;
}

export interface BcoinNetwork {
  addressPrefix: { pubkeyhash: number; scripthash: number; bech32: string };
  keyPrefix: { privkey: number };
}

export interface BcoinRpcError extends Error {
  code: number;
}

/**
 * Loads bcoin with its pure-JS back ends (native addons are not built on install) and switches
 * regtest to Bitcoin Core's address prefixes (bcrt1 / m,n / 2) so addresses match bitcoind's.
 * The network object is a process-wide singleton: every bcoin user in the process sees Core's prefixes.
 */
export function loadBcoin(): BcoinModule {
  process.env.NODE_BACKEND = process.env.NODE_BACKEND || 'js';
  const bcoin = require('bcoin') as BcoinModule;
  const regtest = bcoin.Network.get('regtest');
  regtest.addressPrefix.pubkeyhash = 0x6f;
  regtest.addressPrefix.scripthash = 0xc4;
  regtest.addressPrefix.bech32 = 'bcrt';
  regtest.keyPrefix.privkey = 0xef;
  return bcoin;
}

export function rpcError(code: number, message: string): BcoinRpcError {
  // bweb renders errors with a numeric `code` and `type: 'RPCError'` as JSON-RPC errors.
  const err = new Error(message) as BcoinRpcError & { type: string };
  err.code = code;
  err.type = 'RPCError';
  return err;
}
