import { randomBytes } from 'node:crypto';
import type { Principal } from '@strongroom/api-auth';
import { AuditLog } from '@strongroom/audit';
import { LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { WalletDirectory, type WalletTier } from '@strongroom/wallets';
import { LedgerFloatInputs } from '../float/float-inputs';
import { FloatService } from '../float/float-service';
import { PolicyStore, type PolicyInput } from '../policy/policy-store';

/** A compressed secp256k1-shaped key (the directory checks the form only). */
const fakeKey = () => `02${randomBytes(32).toString('hex')}`;

/** The real treasury over a real database: directory, ledger, policies, audit; a movable clock. */
export function treasuryFixture(db: Database) {
  const clock = { now: new Date('2026-12-04T12:00:00Z') };
  const ledger = new LedgerService(db);
  const audit = new AuditLog(db);
  const wallets = new WalletDirectory(db);
  const policies = new PolicyStore(db, audit);
  const assets = new AssetRegistry();
  const floats = new FloatService(db, policies, new LedgerFloatInputs(ledger), wallets, assets, audit, () => clock.now);
  const person = (owner: string, clients: Principal['clients'] = 'all'): Principal => ({
    keyId: `key-${owner}-${randomBytes(3).toString('hex')}`,
    name: owner,
    role: 'approver',
    owner,
    clients,
  });

  return {
    clock,
    ledger,
    audit,
    wallets,
    policies,
    floats,
    person,
    async wallet(id: string, tier: WalletTier, clientId: string | null = null) {
      const n = tier === 'cold' ? 5 : 2;
      const publicKeys = Array.from({ length: n }, fakeKey);
      return wallets.register({ id, chain: 'bitcoin', clientId, tier, threshold: tier === 'cold' ? 3 : 2, publicKeys });
    },
    /** Custody grows as a confirmed deposit books it: debit the wallet's custody account, credit a user. */
    async deposit(walletId: string, clientId: string, amount: bigint) {
      const custody = await ledger.openAccount({
        clientId: 'operator',
        ownerId: walletId,
        asset: 'BTC',
        kind: 'custody',
      });
      const user = await ledger.openAccount({ clientId, ownerId: 'u1', asset: 'BTC', kind: 'user' });
      await ledger.createTransfers([
        {
          id: `test:${randomBytes(8).toString('hex')}`,
          debitAccountId: custody.id,
          creditAccountId: user.id,
          amount,
          code: 'deposit',
        },
      ]);
    },
    /** A settled withdrawal paid from `walletId`, settled `hoursAgo` before the clock. */
    async settled(walletId: string, clientId: string, amount: bigint, hoursAgo: number) {
      const id = randomBytes(8).toString('hex');
      const at = new Date(clock.now.getTime() - hoursAgo * 3_600_000);
      await db.query(
        `INSERT INTO withdrawals.batches (id, chain, wallet_id, wallet, status, created_at, updated_at)
         VALUES ($1, 'bitcoin', $2, '{}'::jsonb, 'settled', $3, $3)`,
        [`b-${id}`, walletId, at],
      );
      await db.query(
        `INSERT INTO withdrawals.withdrawals (id, client_id, user_id, asset, chain, amount, destination, requested_by,
           idempotency_key, request_hash, status, batch_id, created_at, updated_at)
         VALUES ($1, $2, 'u1', 'BTC', 'bitcoin', $3, 'bcrt1qtest', 'k', $1, 'h', 'settled', $4, $5, $5)`,
        [`w-${id}`, clientId, amount.toString(), `b-${id}`, at],
      );
    },
    async setPolicy(p: PolicyInput) {
      const admin = person('admin-a');
      await db.transaction((tx) =>
        policies.put(tx, p, { maker: admin, checker: person('admin-b'), changeId: 'test-change' }),
      );
    },
  };
}
