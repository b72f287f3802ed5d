import type { CustodyWallet } from '@strongroom/chains-core';
import { complianceContext } from '@strongroom/compliance';
import { openDatabase, type Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import type { ChainId } from '@strongroom/shared-types';
import type { PolicyInput } from '@strongroom/withdrawals';
import type { World } from './world/world';

// Compliance brings every schema the simulated apps use (no key registry: the KMS is simulated).
const CONTEXTS = [complianceContext];

/** The assets the simulated deployment serves (the truth the checker uses). */
export const SIM_ASSETS = new AssetRegistry([
  { code: 'BTC', chain: 'bitcoin', decimals: 8, confirmations: 3, native: true },
  { code: 'ETH', chain: 'ethereum', decimals: 18, confirmations: 4, native: true },
]);

export const ASSET_OF: Record<ChainId, string> = { bitcoin: 'BTC', ethereum: 'ETH' };

let template: Blob | null = null;

/**
 * A fresh in-memory PGlite with every migration applied. Migrating takes seconds, so the first
 * call migrates once and keeps a dump of the data directory; every later run starts from it.
 */
export async function freshDatabase(): Promise<Database> {
  if (!template) {
    const db = await openDatabase({ memory: true, contexts: CONTEXTS });
    template = (await db.pglite?.dumpDataDir('none')) as Blob;
    await db.close();
  }
  return openDatabase({ memory: true, loadDataDir: template, contexts: CONTEXTS });
}

/** The operator's 2-of-3 custody wallet of each chain, with keys in the simulated KMS. */
export function createWallets(world: World): Record<ChainId, CustodyWallet> {
  const wallet = (chain: ChainId): CustodyWallet => ({
    id: `${chain}-operator`,
    chain,
    threshold: 2,
    publicKeys: [1, 2, 3].map((i) => world.kms.createKey(`${chain}-${i}`)),
  });
  return { bitcoin: wallet('bitcoin'), ethereum: wallet('ethereum') };
}

/** A withdrawal policy drawn from the seed: limits, an approval threshold, a fee. */
export function randomPolicy(world: World, asset: string): PolicyInput {
  const unit = 10n ** BigInt(SIM_ASSETS.get(asset).decimals);
  const r = world.rng;
  return {
    maxAmount: r.chance(0.3) ? unit * BigInt(r.int(1, 3)) : null,
    userDailyLimit: r.chance(0.2) ? unit * BigInt(r.int(2, 6)) : null,
    clientDailyLimit: null,
    allowlist: null,
    approvalThreshold: r.chance(0.5) ? (unit / 10n) * BigInt(r.int(1, 8)) : null,
    approvalsRequired: r.int(1, 2),
    breakerWindowSeconds: null,
    breakerLimit: null,
    withdrawalFee: (unit / 10_000n) * BigInt(r.int(0, 5)),
  };
}
