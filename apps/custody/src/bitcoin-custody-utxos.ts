import type { BitcoinAdapter } from '@strongroom/chains-bitcoin';
import type { CustodyWallet } from '@strongroom/chains-core';
import { watchedAddress } from '@strongroom/deposits';
import type { Database } from '@strongroom/persistence';

/**
 * The Bitcoin adapter keeps the custody UTXO set in memory, learnt from the blocks the deposit
 * follower reads, and only for the scripts it watches. Two things nobody else does for it here:
 * - watch the wallet's change address, so change from withdrawals is known and spendable;
 * - after a restart, rebuild the set by reading again every block from the first deposit up to
 *   the follower's cursor (every custody output is a deposit or change of a later withdrawal, so
 *   nothing older can be unspent custody). The follower then goes on from its cursor.
 * Returns the number of blocks read and the UTXOs found.
 */
export async function restoreBitcoinCustody(
  db: Database,
  adapter: BitcoinAdapter,
  wallet: CustodyWallet,
): Promise<{ blocks: number; utxos: number; sats: bigint }> {
  const change = adapter.changeAddress(wallet);
  adapter.watch([
    { address: change.address, script: change.locator, derivation: change.derivation, ref: `change:${wallet.id}` },
  ]);
  const addresses = await db.query<{ id: string; address: string; locator: string; derivation: string }>(
    `SELECT id, address, locator, derivation FROM deposits.addresses WHERE chain = 'bitcoin' ORDER BY id`,
  );
  if (addresses.length > 0) adapter.watch(addresses.map((a) => watchedAddress('bitcoin', a)));
  const [first] = await db.query<{ h: number | null }>(
    `SELECT min(block_height) AS h FROM deposits.deposits WHERE chain = 'bitcoin'`,
  );
  const [cursor] = await db.query<{ height: number }>(`SELECT height FROM deposits.cursors WHERE chain = 'bitcoin'`);
  let blocks = 0;
  if (first?.h !== null && first?.h !== undefined && cursor) {
    for (let h = Number(first.h); h <= Number(cursor.height); h++) {
      await adapter.block(h);
      blocks++;
    }
  }
  const utxos = adapter.custodyUtxos();
  return { blocks, utxos: utxos.length, sats: utxos.reduce((s, u) => s + u.value, 0n) };
}
