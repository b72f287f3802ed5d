import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  concat,
  Contract,
  ContractFactory,
  getCreate2Address,
  JsonRpcProvider,
  keccak256,
  toQuantity,
  ZeroHash,
  type InterfaceAbi,
  type JsonRpcSigner,
} from 'ethers';

/** One Safe contract as deployed by the harness, with its code hash checked. */
export interface DeploymentCheck {
  contract: string;
  address: string;
  expected: string;
  actual: string | null;
}

// The harness must not import the Ethereum chain lib (its specs import the harness), so it
// deploys the Safe contracts itself and reads the test token from the chain lib's committed
// artifacts (checked against the Solidity sources by contracts/compile.spec.ts there).
const SAFE_SINGLETON_FACTORY = '0x914d7Fec6aaC8cd542e72Bca78B30650d45643d7';
const FACTORY_RUNTIME =
  '0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3';
const SAFE_ARTIFACTS = {
  singleton: 'Safe.sol/Safe',
  proxyFactory: 'proxies/SafeProxyFactory.sol/SafeProxyFactory',
  multiSendCallOnly: 'libraries/MultiSendCallOnly.sol/MultiSendCallOnly',
  fallbackHandler: 'handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler',
} as const;

function testTokenArtifact(): { abi: InterfaceAbi; bytecode: string } {
  const file = path.join(__dirname, '..', '..', 'chains', 'ethereum', 'contracts', 'artifacts', 'contracts.json');
  return (
    JSON.parse(readFileSync(file, 'utf8')) as { contracts: Record<string, { abi: InterfaceAbi; bytecode: string }> }
  ).contracts.TestToken;
}

export interface AnvilOptions {
  /** Loopback port; 0 or absent picks a free one. */
  port?: number;
  /** anvil `--state`: loaded at start if it exists, written on stop (SIGTERM) — the chain survives a restart. */
  stateFile?: string;
  /** Mine one block per transaction (default) or only on `mine()` (to keep transactions stuck). */
  automine?: boolean;
  chainId?: number;
  /** Extra arguments passed to anvil as is. */
  args?: string[];
}

export interface BlockSummary {
  height: number;
  hash: string;
  parentHash: string;
}

export interface Anvil {
  rpcUrl: string;
  chainId: bigint;
  /** The pid of the anvil process itself (not a wrapper): what stop() signals. */
  pid: number;
  /** ethers provider with caching off (cacheTimeout: -1). */
  provider: JsonRpcProvider;
  /** The unlocked dev accounts (10,000 ETH each). */
  accounts: string[];
  signer(index?: number): Promise<JsonRpcSigner>;
  /** Waits (polling) until `hash` is mined; returns its receipt status (1 = success). */
  waitMined(hash: string, timeoutMs?: number): Promise<{ status: number }>;
  stop(): Promise<void>;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  mine(blocks?: number): Promise<void>;
  setAutomine(on: boolean): Promise<void>;
  /** Adds `wei` to the balance of `address` (anvil_setBalance, no transaction). */
  fund(address: string, wei: bigint): Promise<void>;
  /** A real ETH transfer from a dev account (a transaction the follower sees). Returns its hash. */
  sendEth(to: string, wei: bigint, fromIndex?: number): Promise<string>;
  snapshot(): Promise<string>;
  revert(id: string): Promise<boolean>;
  /**
   * Replaces the last `depth` blocks by new ones (anvil_reorg). The replaced blocks' transactions
   * are dropped; `txs` (anvil's `[transaction request or raw signed tx, block offset]` pairs) go
   * into the new blocks instead. Verifies that every replaced height got a new hash and that the
   * new blocks link to each other and to the fork point, or throws.
   */
  reorg(depth: number, txs?: [unknown, number][]): Promise<{ before: BlockSummary[]; after: BlockSummary[] }>;
  blockAt(height: number): Promise<BlockSummary>;
  height(): Promise<number>;
  /**
   * Safe v1.4.1 (singleton, proxy factory, MultiSendCallOnly, fallback handler) through the Safe
   * singleton factory with a zero salt — their canonical addresses iff the artifacts' init code is
   * byte-identical to the official one — and each runtime code hash checked. Idempotent.
   */
  deploySafeContracts(): Promise<DeploymentCheck[]>;
  /** Our test ERC-20 (openly mintable); `returnsFalse` makes failed transfers return false instead of reverting. */
  deployToken(opts?: { name?: string; symbol?: string; decimals?: number; returnsFalse?: boolean }): Promise<string>;
  mintToken(token: string, to: string, amount: bigint): Promise<string>;
  /** An ERC-20 transfer from a dev account that holds the tokens (mint to it first). */
  transferToken(token: string, to: string, amount: bigint, fromIndex?: number): Promise<string>;
  tokenBalance(token: string, owner: string): Promise<bigint>;
  balance(address: string): Promise<bigint>;
}

export function anvilBinary(): string {
  // The platform package ships the binary itself; starting it directly gives us its pid.
  return path.join(path.dirname(require.resolve('@foundry-rs/anvil-linux-amd64/package.json')), 'bin', 'anvil');
}

function waitForListening(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        child.stdout?.off('data', onData);
        child.stdout?.on('data', () => undefined); // keep draining so anvil never blocks on a full pipe
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => reject(new Error(`anvil exited with ${code} before listening:\n${out.slice(-2000)}`)));
    child.once('error', reject);
  });
}

// Long because the handle's two dozen methods close over the one child process, provider and
// dev-account list started here; each is a few lines and none is used without the others.
export async function startAnvil(opts: AnvilOptions = {}): Promise<Anvil> {
  const chainId = opts.chainId ?? 31337;
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    String(opts.port ?? 0),
    '--chain-id',
    String(chainId),
    '--hardfork',
    'prague',
  ];
  if (opts.automine === false) args.push('--no-mining');
  if (opts.stateFile) args.push('--state', opts.stateFile);
  args.push(...(opts.args ?? []));
  const child = spawn(anvilBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const port = await waitForListening(child);
  const rpcUrl = `http://127.0.0.1:${port}`;
  const provider = new JsonRpcProvider(rpcUrl, chainId, { cacheTimeout: -1, staticNetwork: true });
  const rpc = <T>(method: string, params: unknown[] = []) => provider.send(method, params) as Promise<T>;
  const accounts = await rpc<string[]>('eth_accounts');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const signer = (i = 0) => provider.getSigner(accounts[i]);
  // Polls the receipt: ethers' waitForTransaction can miss a block mined between its first
  // check and its block subscription, and then waits for a block that never comes.
  const receiptOf = async (hash: string, timeoutMs = 30_000) => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 10))) {
      const r = await rpc<{ status: string } | null>('eth_getTransactionReceipt', [hash]);
      if (r) return { status: Number(r.status) };
    }
    throw new Error(`transaction ${hash} not mined within ${timeoutMs} ms`);
  };
  const waitReceipt = async (hash: string) => {
    const r = await receiptOf(hash);
    if (r.status !== 1) throw new Error(`transaction ${hash} failed`);
    return hash;
  };
  const blockAt = async (height: number): Promise<BlockSummary> => {
    const b = await rpc<{ number: string; hash: string; parentHash: string } | null>('eth_getBlockByNumber', [
      toQuantity(height),
      false,
    ]);
    if (!b) throw new Error(`no block ${height}`);
    return { height: Number(b.number), hash: b.hash, parentHash: b.parentHash };
  };
  const height = async () => Number(await rpc<string>('eth_blockNumber'));
  const token = (address: string, i = 0) => signer(i).then((s) => new Contract(address, testTokenArtifact().abi, s));

  return {
    rpcUrl,
    chainId: BigInt(chainId),
    pid: child.pid as number,
    provider,
    waitMined: (hash, timeoutMs) => receiptOf(hash, timeoutMs),
    accounts,
    signer,
    rpc,
    async stop() {
      process.off('exit', kill);
      provider.destroy();
      if (child.exitCode !== null) return;
      // SIGTERM lets anvil write its --state file before exiting.
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 10_000);
      await exited;
      clearTimeout(timer);
    },
    async mine(blocks = 1) {
      await rpc('anvil_mine', [toQuantity(blocks)]);
    },
    async setAutomine(on) {
      await rpc('evm_setAutomine', [on]);
    },
    async fund(address, wei) {
      const current = BigInt(await rpc<string>('eth_getBalance', [address, 'latest']));
      await rpc('anvil_setBalance', [address, toQuantity(current + wei)]);
    },
    async sendEth(to, wei, fromIndex = 0) {
      const hash = await rpc<string>('eth_sendTransaction', [
        { from: accounts[fromIndex], to, value: toQuantity(wei) },
      ]);
      return waitReceipt(hash);
    },
    snapshot: () => rpc<string>('evm_snapshot'),
    revert: (id) => rpc<boolean>('evm_revert', [id]),
    async reorg(depth, txs = []) {
      const tip = await height();
      if (depth < 1 || depth > tip) throw new Error(`cannot reorg ${depth} blocks at height ${tip}`);
      const heights = Array.from({ length: depth }, (_, i) => tip - depth + 1 + i);
      const before = await Promise.all(heights.map(blockAt));
      await rpc('anvil_reorg', [depth, txs]);
      const after = await Promise.all(heights.map(blockAt));
      const base = await blockAt(tip - depth);
      for (let i = 0; i < depth; i++) {
        if (after[i].hash === before[i].hash) throw new Error(`reorg left block ${heights[i]} unchanged`);
        const parent = i === 0 ? base.hash : after[i - 1].hash;
        if (after[i].parentHash !== parent) throw new Error(`reorged block ${heights[i]} does not link to its parent`);
      }
      return { before, after };
    },
    blockAt,
    height,
    async deploySafeContracts() {
      const hash = async (a: string) => {
        const code = await rpc<string>('eth_getCode', [a, 'latest']);
        return code === '0x' ? null : keccak256(code);
      };
      if (!(await hash(SAFE_SINGLETON_FACTORY))) await rpc('anvil_setCode', [SAFE_SINGLETON_FACTORY, FACTORY_RUNTIME]);
      const checks: DeploymentCheck[] = [];
      for (const [contract, artifact] of Object.entries(SAFE_ARTIFACTS)) {
        const a = require(`@safe-global/safe-contracts/build/artifacts/contracts/${artifact}.json`) as {
          bytecode: string;
          deployedBytecode: string;
        };
        const address = getCreate2Address(SAFE_SINGLETON_FACTORY, ZeroHash, keccak256(a.bytecode));
        if (!(await hash(address))) {
          const tx = await rpc<string>('eth_sendTransaction', [
            { from: accounts[0], to: SAFE_SINGLETON_FACTORY, data: concat([ZeroHash, a.bytecode]), gas: '0x989680' },
          ]);
          if (await rpc<boolean>('anvil_getAutomine')) await waitReceipt(tx);
          else {
            await rpc('anvil_mine', ['0x1']);
            await waitReceipt(tx);
          }
        }
        checks.push({ contract, address, expected: keccak256(a.deployedBytecode), actual: await hash(address) });
      }
      const bad = checks.filter((c) => c.actual !== c.expected);
      if (bad.length > 0)
        throw new Error(
          `Safe contracts not as expected: ${bad.map((b) => `${b.contract} at ${b.address}`).join(', ')}`,
        );
      return checks;
    },
    async deployToken(o = {}) {
      const { abi, bytecode } = testTokenArtifact();
      const factory = new ContractFactory(abi, bytecode, await signer(0));
      const c = await factory.deploy(
        o.name ?? 'Test USD',
        o.symbol ?? 'TUSD',
        o.decimals ?? 6,
        o.returnsFalse ?? false,
      );
      const tx = c.deploymentTransaction();
      if (tx) await waitReceipt(tx.hash);
      return c.getAddress();
    },
    async mintToken(address, to, amount) {
      const tx = await (await token(address)).getFunction('mint')(to, amount);
      return waitReceipt(tx.hash);
    },
    async transferToken(address, to, amount, fromIndex = 0) {
      const tx = await (await token(address, fromIndex)).getFunction('transfer')(to, amount);
      return waitReceipt(tx.hash);
    },
    async tokenBalance(address, owner) {
      return (await token(address)).getFunction('balanceOf')(owner) as Promise<bigint>;
    },
    async balance(address) {
      return BigInt(await rpc<string>('eth_getBalance', [address, 'latest']));
    },
  };
}
