import type { ChainAdapter, CustodyWallet, UnsignedWithdrawal } from '@strongroom/chains-core';
import { isRelayCapable, type RelayCapable, type RelayReplaceable } from '../relayer/sign-digests';

/** What a mined sweep did: the gas paid (always) and what moved (nothing when it reverted). */
export interface SweepOutcome {
  txid: string;
  height: number;
  fee: bigint;
  swept: { address: string; asset: string; amount: bigint }[];
  reverted: boolean;
}

/**
 * Optional adapter capability for chains whose deposit addresses must be swept into custody
 * (Ethereum: CREATE2 addresses emptied into the Safe by a contract deployed there at sweep time).
 * Structurally the EthereumAdapter's methods, so this library needs no import of it.
 */
export interface SweepCapable {
  balances(address: string, assets: string[], height?: number): Promise<Record<string, bigint>>;
  buildSweep(
    wallet: CustodyWallet,
    tags: string[],
    assets: string[],
    opts: { relayerPublicKey: string; nonce: number; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint },
    id?: string,
  ): Promise<UnsignedWithdrawal>;
  checkSweepIntent(unsigned: UnsignedWithdrawal, wallet: CustodyWallet, tags: string[], assets: string[]): void;
  sweepResult(txid: string): Promise<SweepOutcome>;
}

export type SweepAdapter = ChainAdapter & SweepCapable & RelayCapable & Partial<RelayReplaceable>;

export function isSweepCapable(a: ChainAdapter): a is SweepAdapter {
  const s = a as Partial<SweepCapable>;
  return (
    isRelayCapable(a) &&
    typeof s.buildSweep === 'function' &&
    typeof s.checkSweepIntent === 'function' &&
    typeof s.sweepResult === 'function' &&
    typeof s.balances === 'function'
  );
}
