import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Compiler input for our Solidity: pinned settings, so a recompile is byte-identical. */
export const SOURCES = ['DepositSweeper.sol', 'test/TestTokens.sol', 'test/TestForwarder.sol'] as const;
export const ARTIFACTS_FILE = path.join(__dirname, 'artifacts', 'contracts.json');

export interface ContractArtifact {
  abi: unknown[];
  bytecode: string;
  deployedBytecode: string;
}

export interface ArtifactsFile {
  compiler: string;
  settings: Record<string, unknown>;
  contracts: Record<string, ContractArtifact>;
}

// cancun: the factory needs transient storage (EIP-1153); nothing newer, so it deploys on mainnet.
const SETTINGS = { evmVersion: 'cancun', optimizer: { enabled: true, runs: 200 } };

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<
    string,
    Record<string, { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>
  >;
}

/** Compiles the sources with the installed solc-js (offline). Throws on any compiler error. */
export function compileContracts(): ArtifactsFile {
  const solc = require('solc') as { compile(input: string): string; version(): string };
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(SOURCES.map((s) => [s, { content: readFileSync(path.join(__dirname, s), 'utf8') }])),
    settings: {
      ...SETTINGS,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const contracts: Record<string, ContractArtifact> = {};
  for (const file of Object.keys(out.contracts).sort()) {
    for (const [name, c] of Object.entries(out.contracts[file])) {
      if (c.evm.bytecode.object.length === 0) continue; // interfaces
      contracts[name] = {
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      };
    }
  }
  return { compiler: solc.version(), settings: SETTINGS, contracts };
}

// `node tools/run.js libs/chains/ethereum/contracts/compile.ts` rewrites the committed artifacts.
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  writeFileSync(ARTIFACTS_FILE, `${JSON.stringify(compileContracts(), null, 1)}\n`);
  console.log(`wrote ${ARTIFACTS_FILE}`);
}
