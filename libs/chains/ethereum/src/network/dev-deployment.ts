import { concat, ZeroHash } from 'ethers';
import { DETERMINISTIC_DEPLOYER, DETERMINISTIC_DEPLOYER_CODE, SAFE_SINGLETON_FACTORY, SAFE_V141 } from '../constants';
import { SWEEPER_FACTORY_ADDRESS, SWEEPER_FACTORY_CODE_HASH, SWEEPER_FACTORY_CREATION_CODE } from '../contracts';
import type { EthereumRpc } from './ethereum-rpc';

export interface DeploymentCheck {
  contract: string;
  address: string;
  expected: string;
  actual: string | null;
}

/** The code hashes of the Safe v1.4.1 contracts and our sweeper factory at their addresses. */
export async function checkDeployment(rpc: EthereumRpc): Promise<DeploymentCheck[]> {
  const wanted = [
    ...Object.entries(SAFE_V141).map(([name, c]) => ({ contract: name, address: c.address, expected: c.codeHash })),
    { contract: 'sweeperFactory', address: SWEEPER_FACTORY_ADDRESS, expected: SWEEPER_FACTORY_CODE_HASH },
  ];
  return Promise.all(wanted.map(async (w) => ({ ...w, actual: await rpc.codeHash(w.address) })));
}

async function waitMined(rpc: EthereumRpc, txid: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await rpc.receipt(txid);
    if (r) {
      if (r.status !== 1) throw new Error(`deployment transaction ${txid} reverted`);
      return;
    }
    await rpc.send('evm_mine', []).catch(() => undefined);
  }
  throw new Error(`deployment transaction ${txid} was not mined`);
}

/**
 * Dev chains only (anvil): puts the Safe singleton factory in place (anvil_setCode with the
 * deterministic-deployer runtime, which it shares), deploys the Safe v1.4.1 contracts through it
 * with a zero salt — which lands them at their canonical addresses only if the init code is
 * byte-identical — and our sweeper factory through the deterministic deployer, from an unlocked
 * dev account. Then every code hash is checked. Idempotent.
 */
export async function ensureDevDeployment(rpc: EthereumRpc): Promise<DeploymentCheck[]> {
  const [from] = await rpc.send<string[]>('eth_accounts', []);
  if (!from) throw new Error('the dev chain has no unlocked account to deploy from');
  if (!(await rpc.codeHash(SAFE_SINGLETON_FACTORY)))
    await rpc.send('anvil_setCode', [SAFE_SINGLETON_FACTORY, DETERMINISTIC_DEPLOYER_CODE]);
  if (!(await rpc.codeHash(DETERMINISTIC_DEPLOYER)))
    await rpc.send('anvil_setCode', [DETERMINISTIC_DEPLOYER, DETERMINISTIC_DEPLOYER_CODE]);
  const deploy = async (deployer: string, address: string, initCode: string) => {
    if (await rpc.codeHash(address)) return;
    const txid = await rpc.send<string>('eth_sendTransaction', [
      { from, to: deployer, data: concat([ZeroHash, initCode]), gas: '0x989680' },
    ]);
    await waitMined(rpc, txid);
  };
  for (const c of Object.values(SAFE_V141)) {
    // Dev-only dependency, loaded only here: real chains already have these deployments.
    const artifact = require(`@safe-global/safe-contracts/build/artifacts/contracts/${c.artifact}.json`) as {
      bytecode: string;
    };
    await deploy(SAFE_SINGLETON_FACTORY, c.address, artifact.bytecode);
  }
  await deploy(DETERMINISTIC_DEPLOYER, SWEEPER_FACTORY_ADDRESS, SWEEPER_FACTORY_CREATION_CODE);
  const checks = await checkDeployment(rpc);
  const bad = checks.filter((c) => c.actual !== c.expected);
  if (bad.length > 0)
    throw new Error(
      `contracts not at their canonical addresses: ${bad.map((b) => `${b.contract} ${b.address} ${b.actual}`).join(', ')}`,
    );
  return checks;
}
