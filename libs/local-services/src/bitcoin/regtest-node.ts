import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BcoinAddress, BcoinBlock, BcoinCoin, BcoinFullNode, BcoinModule, BcoinTx } from './bcoin';
import { loadBcoin, rpcError } from './bcoin';

/**
 * An in-process bcoin@1.0.2 regtest full node that looks like bitcoind from the outside:
 * Bitcoin Core JSON-RPC on a loopback port, Core's regtest address prefixes, standardness on,
 * segwit active, and a `sendrawtransaction` that reports rejections (bcoin's own answers a txid
 * even when its mempool refuses the transaction). Used by integration tests and, with a data
 * directory, as the local Bitcoin chain of `npm start`.
 */
export interface BitcoinRegtestOptions {
  /** Loopback port for JSON-RPC; 0 (default) picks a free one. */
  port?: number;
  /** Persist the chain in LevelDB under this directory; omitted = in memory. */
  dataDir?: string;
  /** JSON-RPC password (any user name is accepted, as bcoin checks only the password). */
  rpcPassword?: string;
  /**
   * Run bcoin in this thread (default outside Jest) or in a worker thread (default under Jest:
   * bcoin's pure-JS ECDSA runs 5–30× slower inside Jest's VM context). `node` is only set in process.
   */
  inProcess?: boolean;
}

export interface RegtestUtxo {
  txid: string;
  vout: number;
  value: bigint;
  script: string;
  address: string;
  /** -1 while in the mempool. */
  height: number;
}

export interface ReorgResult {
  /** Hashes (RPC byte order) of the blocks that left the best chain, lowest first. */
  orphaned: string[];
  /** Hashes of the new best-chain blocks from the fork point up, lowest first. */
  replacement: string[];
  /** Transactions of the orphaned blocks that are now neither in the chain nor in the mempool. */
  evicted: string[];
}

export interface BitcoinRegtest {
  rpcUrl: string;
  rpcUser: string;
  rpcPassword: string;
  network: 'regtest';
  /** The bcoin FullNode, when it runs in this thread (`inProcess`). */
  node?: BcoinFullNode;
  /** The address the harness mines to and funds from (P2WPKH, key known only to the harness). */
  faucetAddress: string;
  /** Calls the node's JSON-RPC over HTTP, as any client would; throws on an RPC error. */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  height(): number;
  /** Mines `n` blocks (with the mempool's transactions) to `address` or the faucet; returns their hashes. */
  mine(n: number, address?: string): Promise<string[]>;
  /** Pays `sats` to `address` from mature faucet coins; the transaction waits in the mempool. */
  fund(address: string, sats: bigint): Promise<{ txid: string; vout: number }>;
  /** One transaction paying several outputs (e.g. two users, or one user twice). */
  send(outputs: { address: string; sats: bigint }[]): Promise<{ txid: string; vouts: number[] }>;
  rawBlock(height: number): Promise<string>;
  rawTransaction(txid: string): Promise<string>;
  /** Unspent outputs of these addresses as the node sees them (chain + mempool), like scantxoutset. */
  unspent(addresses: string[]): Promise<RegtestUtxo[]>;
  /**
   * A real reorg: mines `depth + extra` (default 1) empty blocks on top of the block `depth` below
   * the tip, so the node switches to the longer fork. By default the orphaned blocks' transactions
   * are evicted from the mempool (as a double spend would); `keepTransactions` returns them to it.
   */
  reorg(
    depth: number,
    options?: { extra?: number; keepTransactions?: boolean; address?: string },
  ): Promise<ReorgResult>;
  stop(): Promise<void>;
}

const FAUCET_SEED = 'strongroom/regtest-faucet/v1';
const SEGWIT_AND_MATURITY_HEIGHT = 432 + 100 + 10;
const FUND_FEE_RATE = 2000; // sat/kvB, above bcoin's regtest min relay of 1000
const FAUCET_SPLIT_OUTPUTS = 400;
const FAUCET_SPLIT_SATS = 10 * 100_000_000; // 10 BTC each
const FAUCET_LOW_WATER = 20;
const FAUCET_BURY = 10;

// Long because the handle's methods share the node, the faucet key and its tracked-outpoint map,
// which must be filled (chain scan, segwit blocks, split coins) before the first call.
export async function startRegtestNode(options: BitcoinRegtestOptions = {}): Promise<BitcoinRegtest> {
  const bcoin = loadBcoin();
  const rpcPassword = options.rpcPassword ?? randomBytes(16).toString('hex');
  // bcoin keeps regtest data under <prefix>/regtest and does not create it itself.
  if (options.dataDir) mkdirSync(path.join(options.dataDir, 'regtest'), { recursive: true });
  const node = new bcoin.FullNode({
    network: 'regtest',
    memory: !options.dataDir,
    persistentMempool: !!options.dataDir,
    prefix: options.dataDir,
    workers: false,
    listen: false,
    selfish: true,
    requireStandard: true,
    indexTX: true,
    indexAddress: true,
    httpHost: '127.0.0.1',
    httpPort: options.port ?? 0,
    apiKey: rpcPassword,
    logLevel: 'none',
    logFile: false,
  });
  installSendRawTransaction(bcoin, node);
  await node.open();
  await node.connect();

  const faucetKey = createHash('sha256').update(FAUCET_SEED).digest();
  const faucet = bcoin.KeyRing.fromPrivate(faucetKey);
  faucet.witness = true;
  const faucetAddr = faucet.getAddress();
  const address = (a: string): BcoinAddress => bcoin.Address.fromString(a, 'regtest');

  // The faucet's coins are tracked by outpoint (chain scan at start, then as blocks and payments
  // are made): bcoin's address index answers nothing on a LevelDB data directory here.
  const faucetScript = scriptOf(bcoin, faucetAddr.toString('regtest'));
  const known = new Map<string, { hash: string; index: number }>();
  const track = (tx: BcoinTx) =>
    tx.outputs.forEach((o, index) => {
      if (o.script.toRaw().toString('hex') === faucetScript)
        known.set(`${tx.txid()}:${index}`, { hash: tx.hash('hex'), index });
    });
  const coinsOfFaucet = async (coinbase: boolean): Promise<BcoinCoin[]> => {
    const coins: BcoinCoin[] = [];
    for (const [key, { hash, index }] of known) {
      const coin = await node.getCoin(hash, index);
      if (!coin) known.delete(key);
      else if (coin.height !== -1 && coin.coinbase === coinbase) coins.push(coin);
    }
    return coins;
  };
  const mineTo = async (n: number, to: BcoinAddress): Promise<string[]> => {
    const hashes: string[] = [];
    for (let i = 0; i < n; i++) {
      const block = await node.miner.mineBlock(node.chain.tip, to);
      await node.chain.add(block);
      block.txs.forEach(track);
      hashes.push(block.rhash());
    }
    return hashes;
  };
  for (let h = 1; h <= node.chain.height; h++) {
    const entry = await node.chain.getEntryByHeight(h);
    const block = entry && (await node.chain.getBlock(entry.hash));
    block?.txs.forEach(track);
  }
  // Segwit activates at height 432 on bcoin's regtest; coinbase needs 100 confirmations to spend.
  if (node.chain.height < SEGWIT_AND_MATURITY_HEIGHT)
    await mineTo(SEGWIT_AND_MATURITY_HEIGHT - node.chain.height, faucetAddr);

  // bcoin evicts every mempool transaction that spends a coinbase output on any reorg, so the
  // faucet pays from ordinary outputs: coinbase coins are split into a pool of them first.
  const faucetCoins = () => coinsOfFaucet(false);
  const refill = async () => {
    const mtx = new bcoin.MTX();
    for (let i = 0; i < FAUCET_SPLIT_OUTPUTS; i++) mtx.addOutput(faucetAddr, FAUCET_SPLIT_SATS);
    await mtx.fund(await coinsOfFaucet(true), {
      changeAddress: faucetAddr,
      rate: FUND_FEE_RATE,
      height: node.chain.height,
      selection: 'value',
    });
    mtx.sign(faucet);
    const tx = mtx.toTX();
    await node.mempool.addTX(tx);
    track(tx);
    // Buried a little, so that the shallow reorgs tests make do not orphan the faucet's own coins.
    await mineTo(FAUCET_BURY, faucetAddr);
  };
  if ((await faucetCoins()).length < FAUCET_LOW_WATER) await refill();

  const port = node.http.http.address().port;
  const rpcUrl = `http://127.0.0.1:${port}/`;
  const rpcUser = 'strongroom';
  const auth = `Basic ${Buffer.from(`${rpcUser}:${rpcPassword}`).toString('base64')}`;

  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({ jsonrpc: '1.0', id: method, params, method }),
    });
    const body = (await res.json()) as { result: T; error: { code: number; message: string } | null };
    if (body.error) throw Object.assign(new Error(`${method}: ${body.error.message}`), { code: body.error.code });
    return body.result;
  };

  const send = async (outputs: { address: string; sats: bigint }[]) => {
    const mtx = new bcoin.MTX();
    for (const o of outputs) mtx.addOutput(address(o.address), Number(o.sats));
    // Only confirmed coins: chaining unconfirmed change would hit the mempool's ancestor limit.
    if ((await faucetCoins()).length < FAUCET_LOW_WATER) await refill();
    const coins = await faucetCoins();
    await mtx.fund(coins, {
      changeAddress: faucetAddr,
      rate: FUND_FEE_RATE,
      height: node.chain.height,
      selection: 'age',
    });
    mtx.sign(faucet);
    const tx = mtx.toTX();
    await rpc('sendrawtransaction', [tx.toRaw().toString('hex')]);
    track(tx);
    const vouts: number[] = [];
    outputs.forEach((o) => {
      const script = address(o.address);
      const idx = tx.outputs.findIndex(
        (out, i) =>
          !vouts.includes(i) &&
          out.value === Number(o.sats) &&
          out.getAddress()?.toString('regtest') === script.toString('regtest'),
      );
      vouts.push(idx);
    });
    return { txid: tx.txid(), vouts };
  };

  const blockAt = async (height: number): Promise<BcoinBlock> => {
    const entry = await node.chain.getEntryByHeight(height);
    const block = entry && (await node.chain.getBlock(entry.hash));
    if (!block) throw new Error(`no block at height ${height}`);
    return block;
  };

  return {
    rpcUrl,
    rpcUser,
    rpcPassword,
    network: 'regtest',
    node,
    faucetAddress: faucetAddr.toString('regtest'),
    rpc,
    height: () => node.chain.height,
    mine: (n, to) => mineTo(n, to ? address(to) : faucetAddr),
    fund: async (to, sats) => {
      const { txid, vouts } = await send([{ address: to, sats }]);
      return { txid, vout: vouts[0] };
    },
    send,
    rawBlock: async (height) => (await blockAt(height)).toRaw().toString('hex'),
    rawTransaction: (txid) => rpc<string>('getrawtransaction', [txid, false]),
    unspent: async (addresses) => {
      const coins = await node.getCoinsByAddress(addresses.map(address));
      return coins.map((c) => {
        const script = c.script.toRaw().toString('hex');
        return {
          txid: c.txid(),
          vout: c.index,
          value: BigInt(c.value),
          script,
          address: addresses.find((a) => scriptOf(bcoin, a) === script) ?? '',
          height: c.height,
        };
      });
    },
    reorg: async (depth, opts = {}) => {
      const tipHeight = node.chain.height;
      if (depth < 1 || depth > tipHeight) throw new Error(`cannot reorg ${depth} blocks at height ${tipHeight}`);
      const orphanedBlocks: BcoinBlock[] = [];
      for (let h = tipHeight - depth + 1; h <= tipHeight; h++) orphanedBlocks.push(await blockAt(h));
      let parent = await node.chain.getEntryByHeight(tipHeight - depth);
      const to = opts.address ? address(opts.address) : faucetAddr;
      const replacement: string[] = [];
      // Fork blocks are mined without the mempool: they must not re-include the orphaned transactions.
      const mempool = node.miner.mempool;
      node.miner.mempool = null;
      try {
        for (let i = 0; i < depth + (opts.extra ?? 1); i++) {
          const block = await node.miner.mineBlock(parent!, to);
          await node.chain.add(block);
          parent = await node.chain.getEntry(block.hash('hex'));
          replacement.push(block.rhash());
        }
      } finally {
        node.miner.mempool = mempool;
      }
      if (node.chain.tip.hash !== parent!.hash) throw new Error('the fork did not become the best chain');
      const evicted: string[] = [];
      if (opts.keepTransactions) {
        // bcoin re-adds orphaned transactions only when its mempool was non-empty: do it here.
        for (const block of orphanedBlocks) {
          for (const tx of block.txs.slice(1)) {
            if (node.mempool.hasEntry(tx.hash('hex')) || (await node.getMeta(tx.hash('hex')))) continue;
            await node.mempool.addTX(tx).catch(() => undefined);
          }
        }
      } else {
        for (const block of [...orphanedBlocks].reverse()) {
          for (const tx of block.txs) {
            const entry = node.mempool.getEntry(tx.hash('hex'));
            if (entry) node.mempool.evictEntry(entry);
          }
        }
      }
      for (const block of orphanedBlocks) {
        for (const tx of block.txs.slice(1)) {
          if (!node.mempool.hasEntry(tx.hash('hex')) && !(await node.getMeta(tx.hash('hex')))) evicted.push(tx.txid());
        }
      }
      return { orphaned: orphanedBlocks.map((b) => b.rhash()), replacement, evicted };
    },
    stop: () => node.close(),
  };
}

function scriptOf(bcoin: BcoinModule, address: string): string {
  // bcoin's Address has no toScript in its typings here; go through an MTX output.
  const mtx = new bcoin.MTX() as unknown as {
    addOutput(a: BcoinAddress, v: number): void;
    outputs: { script: { toRaw(): Buffer } }[];
  };
  mtx.addOutput(bcoin.Address.fromString(address, 'regtest'), 0);
  return mtx.outputs[0].script.toRaw().toString('hex');
}

/**
 * Replaces bcoin's `gettxout` (mempool spends ignored) and `sendrawtransaction` (which relays and answers a txid whatever the mempool
 * decides) with Bitcoin Core's contract: accepted or already in the mempool → txid; rejected →
 * RPC error -26 with the reject reason; inputs missing or spent → -25; already mined → -27.
 */
function installSendRawTransaction(bcoin: BcoinModule, node: BcoinFullNode): void {
  // Core's gettxout with include_mempool (the default) answers null for an output a mempool
  // transaction spends; bcoin's still returns the coin.
  const gettxout = node.rpc.calls.gettxout;
  node.rpc.calls.gettxout = async (args: unknown[], help: boolean) => {
    const [txid, index, includeMempool] = args;
    if (
      typeof txid === 'string' &&
      /^[0-9a-fA-F]{64}$/.test(txid) &&
      typeof index === 'number' &&
      includeMempool !== false
    ) {
      if (node.mempool.isSpent(Buffer.from(txid, 'hex').reverse().toString('hex'), index)) return null;
    }
    return gettxout.call(node.rpc, args, help);
  };
  node.rpc.calls.sendrawtransaction = async (args: unknown[]) => {
    const hex = args[0];
    if (typeof hex !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(hex)) throw rpcError(-22, 'TX decode failed');
    let tx: BcoinTx;
    try {
      tx = bcoin.TX.fromRaw(Buffer.from(hex, 'hex'));
    } catch {
      throw rpcError(-22, 'TX decode failed');
    }
    if (node.mempool.hasEntry(tx.hash('hex'))) return tx.txid();
    if (await node.getMeta(tx.hash('hex'))) throw rpcError(-27, 'Transaction already in block chain');
    let missing: unknown[] | null;
    try {
      missing = await node.mempool.addTX(tx);
    } catch (err) {
      const e = err as { type?: string; reason?: string; code?: string; message: string };
      if (e.type === 'VerifyError') throw rpcError(-26, `${e.reason}${e.code ? ` (${e.code})` : ''}`);
      throw err;
    }
    if (missing && missing.length > 0) {
      if (node.mempool.hasOrphan(tx.hash('hex'))) node.mempool.removeOrphan(tx.hash('hex'));
      throw rpcError(-25, 'bad-txns-inputs-missingorspent');
    }
    return tx.txid();
  };
}
