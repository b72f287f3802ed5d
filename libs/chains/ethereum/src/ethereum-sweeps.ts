import { ChainErrors, type CustodyWallet, type SweepCapability, type UnsignedChainTx } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import { getAddress, toQuantity } from 'ethers';
import { ERC20_ABI, SWEEPER_FACTORY_ABI, SWEPT_TOPIC } from './constants';
import { SWEEPER_FACTORY_ADDRESS } from './contracts';
import type { EthereumContext } from './ethereum-context';
import type { EthereumRelayer } from './ethereum-relayer';
import { NO_TOKEN } from './no-token';
import { checkSweepIntent } from './logic/check-sweep-intent';
import { depositSalt } from './logic/deposit-salt';
import type { RelayOptions } from './relay-options';

export interface SweepResult {
  txid: string;
  height: number;
  gasUsed: bigint;
  /** What the relayer paid, in wei: booked from the relayer's gas account, not custody. */
  fee: bigint;
  swept: { address: string; asset: string; amount: bigint }[];
  /** The sweep reverted: nothing moved, the gas was paid. */
  reverted: boolean;
}

/** Sweeps of CREATE2 deposit addresses into the wallet's Safe, by a sweeper deployed at sweep time. */
export class EthereumSweeps implements SweepCapability {
  constructor(
    private readonly ctx: EthereumContext,
    private readonly relayer: EthereumRelayer,
  ) {}

  /**
   * Balances of `address` per asset (ETH and configured tokens) at `height` (default latest):
   * for sweep scheduling (deposit addresses) and reconciliation (the Safe) at a snapshot height.
   */
  async balances(address: string, assets: string[], height?: number): Promise<Record<string, bigint>> {
    const { rpc, nativeAsset } = this.ctx;
    const at = height === undefined ? 'latest' : toQuantity(height);
    const entries = await Promise.all(
      assets.map(async (asset): Promise<[string, bigint]> => {
        if (asset === nativeAsset) return [asset, BigInt(await rpc.send<string>('eth_getBalance', [address, at]))];
        const token = this.ctx.tokenOf(asset);
        if (!token) throw domainError(NO_TOKEN, `asset ${asset} has no token on ${this.ctx.network}`);
        const ret = await rpc.send<string>('eth_call', [
          { to: token, data: ERC20_ABI.encodeFunctionData('balanceOf', [address]) },
          at,
        ]);
        return [asset, BigInt(ret)];
      }),
    );
    return Object.fromEntries(entries);
  }

  /**
   * The relayer round that sweeps the deposit addresses of `tags` (all their ETH, and the given
   * assets' tokens) into the wallet's Safe. `id` names the round (the sweep's id).
   */
  async buildSweep(
    wallet: CustodyWallet,
    tags: string[],
    assets: string[],
    opts: RelayOptions,
    id = `sweep-${wallet.id}`,
  ): Promise<UnsignedChainTx> {
    if (!wallet.safeAddress) throw domainError(ChainErrors['wallet.no_safe'], `wallet ${wallet.id} has no Safe yet`);
    const data = SWEEPER_FACTORY_ABI.encodeFunctionData('sweep', [
      getAddress(wallet.safeAddress),
      tags.map(depositSalt),
      this.sweepTokens(assets),
    ]);
    return this.relayer.relayRound('sweep', id, SWEEPER_FACTORY_ADDRESS, data, opts, {});
  }

  /** The sweep's intent check (see checkSweepIntent), before its relayer digest goes to KMS. */
  checkSweepIntent(unsigned: UnsignedChainTx, wallet: CustodyWallet, tags: string[], assets: string[]): void {
    checkSweepIntent(unsigned, wallet, { tags, tokens: this.sweepTokens(assets) }, this.ctx.chainId);
  }

  /**
   * What a mined sweep moved (from the sweepers' Swept logs) and the gas the relayer paid, for the
   * ledger. A reverted sweep moved nothing but was still paid for: `reverted`, `swept` empty.
   */
  async sweepResult(txid: string): Promise<SweepResult> {
    const r = await this.ctx.rpc.receipt(txid);
    if (!r) throw domainError(ChainErrors['chain.tx_unknown'], `sweep ${txid} is not mined`);
    const paid = { txid, height: r.blockNumber, gasUsed: r.gasUsed, fee: r.gasUsed * r.effectiveGasPrice };
    if (r.status !== 1) return { ...paid, swept: [], reverted: true };
    const swept = r.logs
      .filter((l) => l.topics[0] === SWEPT_TOPIC)
      .map((l) => {
        const token = getAddress(`0x${l.topics[2].slice(26)}`);
        const asset = BigInt(token) === 0n ? this.ctx.nativeAsset : (this.ctx.assetOf(token) ?? token);
        return { address: getAddress(l.address), asset, amount: BigInt(l.data) };
      });
    return { ...paid, swept, reverted: false };
  }

  private sweepTokens(assets: string[]): string[] {
    return assets
      .filter((a) => a !== this.ctx.nativeAsset)
      .map((a) => {
        const t = this.ctx.tokenOf(a);
        if (!t) throw domainError(NO_TOKEN, `asset ${a} has no token on ${this.ctx.network}`);
        return t;
      });
  }
}
