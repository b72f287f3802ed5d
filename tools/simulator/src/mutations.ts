import type { LedgerService } from '@strongroom/ledger';
import type { ChainId } from '@strongroom/shared-types';
import { SIM_ASSETS } from './setup';
import type { ProcessConfig } from './process/sim-process';
import type { AssetRegistry } from '@strongroom/shared-assets';

/**
 * Deliberately broken rules, for the simulator's own test that it catches bugs: each one is
 * wired into the process the simulator builds (never into the libraries), and the invariants
 * must find it within a few seeds.
 */
export const MUTATIONS = ['credit-early', 'settle-early', 'double-credit'] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** The process's configuration under a mutation (the checker keeps the true rules). */
export function mutatedConfig(base: ProcessConfig, mutation: Mutation | undefined): ProcessConfig {
  if (mutation === 'credit-early') {
    // The follower credits at the first confirmation.
    return { ...base, assets: weaken(base.assets) };
  }
  if (mutation === 'settle-early') {
    // The pipeline settles a batch as soon as it is mined.
    const one: Record<ChainId, number> = { bitcoin: 1, ethereum: 1 };
    return { ...base, settleConfirmations: one };
  }
  if (mutation === 'double-credit') return { ...base, followerLedger: (l) => followerLedger(l, mutation) };
  return base;
}

function weaken(assets: AssetRegistry): AssetRegistry {
  return assets.withAssets(SIM_ASSETS.all().map((a) => ({ code: a.code, confirmations: 1 })));
}

/**
 * The ledger the deposit follower writes through. Under `double-credit` every deposit credit
 * is booked a second time under another id, as a follower with non-deterministic ids would.
 */
export function followerLedger(ledger: LedgerService, mutation: Mutation | undefined): LedgerService {
  if (mutation !== 'double-credit') return ledger;
  return new Proxy(ledger, {
    get(target, prop, receiver) {
      if (prop !== 'createTransfers') {
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      }
      return (
        batch: Parameters<LedgerService['createTransfers']>[0],
        tx?: Parameters<LedgerService['createTransfers']>[1],
      ) => {
        const dup = batch
          .filter((t) => t.id.startsWith('deposit:') && !(t.flags ?? []).includes('linked'))
          .map((t) => ({ ...t, id: `${t.id}:again` }));
        return target.createTransfers([...batch, ...dup], tx).then((r) => r.slice(0, batch.length));
      };
    },
  });
}
