// Test fixture: what a stuck relayer transaction's replacement must look like on anvil.
import type { Anvil } from '@strongroom/local-services/anvil';
import { Transaction } from 'ethers';

/** The transaction at `txid` replaces `before`: the same nonce, a max fee at least 10 % higher. */
export async function expectFeeBump(anvil: Anvil, before: Transaction, txid: string): Promise<void> {
  const after = Transaction.from(await anvil.rpc<string>('eth_getRawTransactionByHash', [txid]));
  expect(after.nonce).toBe(before.nonce);
  expect(after.maxFeePerGas! >= before.maxFeePerGas! + before.maxFeePerGas! / 10n).toBe(true);
}
