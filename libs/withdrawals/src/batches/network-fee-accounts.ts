import type { Tx } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';
import type { PipelineDeps } from '../core/deps';
import type { NetworkFeeAccounts } from './settlement-legs';

/**
 * Where a batch's network fee is booked: fee_expense of the paying wallet, paid from custody on
 * Bitcoin (the fee comes out of the custody inputs) and from the relayer's gas budget on
 * Ethereum (the relayer pays the gas; the Safe never does).
 */
export async function networkFeeAccounts(
  tx: Tx,
  deps: Pick<PipelineDeps, 'accounts' | 'assets'>,
  chain: ChainId,
  walletId: string,
): Promise<NetworkFeeAccounts> {
  const native = deps.assets.onChain(chain).find((a) => a.native);
  if (!native) throw new Error(`no native asset for ${chain}`);
  return {
    feeExpense: await deps.accounts.feeExpense(tx, walletId, native.code),
    networkFeePayer:
      chain === 'ethereum'
        ? await deps.accounts.relayerGas(tx, walletId, native.code)
        : await deps.accounts.custody(tx, walletId, native.code),
  };
}
