import type { CustodyWallet, UnsignedChainTx } from '@strongroom/chains-core';
import { PROXY_FACTORY_ABI, SAFE_ABI, SAFE_V141 } from './constants';
import type { EthereumContext } from './ethereum-context';
import type { EthereumRelayer } from './ethereum-relayer';
import { safeSetup } from './logic/safe-setup';
import { checkDeployment, ensureDevDeployment, type DeploymentCheck } from './network/dev-deployment';
import type { RelayOptions } from './relay-options';

/** Dev chains on which ensureDeployment deploys the Safe contracts and the sweeper factory. */
export const DEV_NETWORKS = new Set(['anvil', 'dev', 'localhost']);

/** The contracts custody stands on (Safe v1.4.1, the sweeper factory) and the wallets' Safes. */
export class EthereumSafes {
  constructor(
    private readonly ctx: EthereumContext,
    private readonly relayer: EthereumRelayer,
  ) {}

  /** Dev chains: deploys the Safe contracts at their canonical addresses and our sweeper factory. Real chains: only checks. Throws on a code hash mismatch. */
  async ensureDeployment(): Promise<DeploymentCheck[]> {
    const { rpc } = this.ctx;
    const chainId = await rpc.chainId();
    if (chainId !== this.ctx.chainId)
      throw new Error(`node is on chain ${chainId}, configured for ${this.ctx.chainId}`);
    if (DEV_NETWORKS.has(this.ctx.network)) return ensureDevDeployment(rpc);
    const checks = await checkDeployment(rpc);
    const bad = checks.filter((c) => c.actual !== c.expected);
    if (bad.length > 0)
      throw new Error(`unexpected code at ${bad.map((b) => `${b.contract} ${b.address}`).join(', ')}`);
    return checks;
  }

  /** The Safe address a wallet gets with `saltNonce`, and the relayer round that deploys it. */
  async predictSafe(wallet: CustodyWallet, saltNonce: bigint): Promise<{ address: string; factoryCalldata: string }> {
    const proxyCode = SAFE_ABI.getAbiCoder().decode(
      ['bytes'],
      await this.ctx.rpc.call(
        SAFE_V141.proxyFactory.address,
        PROXY_FACTORY_ABI.encodeFunctionData('proxyCreationCode'),
      ),
    )[0] as string;
    return safeSetup(this.ctx.owners(wallet), wallet.threshold, saltNonce, proxyCode);
  }

  async buildSafeDeployment(
    wallet: CustodyWallet,
    saltNonce: bigint,
    opts: RelayOptions,
  ): Promise<UnsignedChainTx & { safeAddress: string }> {
    const { address, factoryCalldata } = await this.predictSafe(wallet, saltNonce);
    const unsigned = await this.relayer.relayRound(
      'deploy-safe',
      `safe-${address}`,
      SAFE_V141.proxyFactory.address,
      factoryCalldata,
      opts,
      {},
    );
    return { ...unsigned, safeAddress: address };
  }
}
