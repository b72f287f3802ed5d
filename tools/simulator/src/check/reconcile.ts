import type { AuditLog } from '@strongroom/audit';
import {
  FollowerChainTips,
  LedgerUnbooked,
  ReconciliationService,
  SnapshotService,
  type ChainHoldings,
  type ChainTip,
} from '@strongroom/compliance';
import { LedgerCutReader, LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import type { ChainId } from '@strongroom/shared-types';
import type { World } from '../world/world';
import type { Violation } from './violation';

/**
 * What custody holds on the simulated chain at a tip: every output paid to one of our addresses
 * (deposit addresses and the operator's float) in blocks up to the tip, minus what our withdrawal
 * transactions paid out (and, on Bitcoin, their fee: custody pays it). One row per chain: the
 * simulated network has no per-address UTXOs to spread it over.
 */
function worldHoldings(world: World, ours: Set<string>): ChainHoldings {
  return {
    async holdings(asset: string, tip: ChainTip) {
      const chain = world.chains[tip.chain];
      const feeFromCustody = tip.chain === 'bitcoin';
      let amount = 0n;
      for (const b of chain.blocks.slice(0, tip.height + 1)) {
        for (const t of b.txs) {
          for (const o of t.outputs) if (o.asset === asset && ours.has(o.address)) amount += o.amount;
          if (t.batchId) {
            for (const o of t.outputs) if (o.asset === asset) amount -= o.amount;
            if (feeFromCustody) amount -= t.fee;
          }
        }
      }
      return [{ address: `sim-custody-${tip.chain}`, amount, walletId: `${tip.chain}-operator`, clientId: null }];
    },
  };
}

/** A snapshot and a reconciliation by the compliance library, over the world's holdings; balanced or a violation. */
export async function reconcileAgainstWorld(
  db: Database,
  world: World,
  assets: AssetRegistry,
  audit: AuditLog,
  floatAddresses: Record<ChainId, string>,
): Promise<Violation[]> {
  const cut = new LedgerCutReader(db);
  const tips = new FollowerChainTips(db, ['bitcoin', 'ethereum']);
  const prices = {
    current: async () => ({
      quote: 'USD',
      prices: {},
      source: 'simulator',
      fetchedAt: world.clock.now().toISOString(),
    }),
  };
  const snapshots = new SnapshotService(db, cut, tips, prices, assets, audit);
  const snap = await snapshots.take('simulator');
  const rows = await db.query<{ address: string }>(`SELECT address FROM deposits.addresses`);
  const ours = new Set([...rows.map((r) => r.address), ...Object.values(floatAddresses)]);
  const service = new ReconciliationService(
    db,
    snapshots,
    cut,
    worldHoldings(world, ours),
    new LedgerUnbooked(db, assets, new LedgerService(db)),
    assets,
    audit,
  );
  const r = await service.reconcile(snap.id);
  if (r.status === 'balanced') return [];
  return [
    {
      code: `reconciliation.${r.status}`,
      detail: JSON.stringify(r.differences, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).slice(
        0,
        600,
      ),
    },
  ];
}
