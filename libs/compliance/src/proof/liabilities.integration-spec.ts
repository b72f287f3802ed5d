import { AuditLog } from '@strongroom/audit';
import { randomBytes } from 'node:crypto';
import { verifyProof, verifyPublished } from '@strongroom/proof-verifier';
import { describeEachBackend } from '@strongroom/testing';
import { complianceContext } from '../index';
import type { SnapshotService } from '../snapshot/snapshot.service';
import { ledgerOnlyProofs } from '../testing/ledger-only-proofs';
import { LiabilitiesService } from './liabilities.service';
import { LiabilityTree, type UserBalances } from './liability-tree';

describeEachBackend('proof of liabilities over a snapshot', { contexts: [complianceContext] }, (ctx) => {
  let snapshots: SnapshotService;
  let liabilities: LiabilitiesService;
  let snapshotId: string;
  const expected = new Map<string, Record<string, bigint>>();

  beforeAll(async () => {
    const { db } = ctx();
    const proofs = ledgerOnlyProofs(db);
    ({ snapshots, liabilities } = proofs);
    const { ledger } = proofs;
    const custody = {
      BTC: await ledger.openAccount({ clientId: 'operator', ownerId: 'btc', asset: 'BTC', kind: 'custody' }),
      ETH: await ledger.openAccount({ clientId: 'operator', ownerId: 'eth', asset: 'ETH', kind: 'custody' }),
    };
    let n = 0;
    for (const client of ['acme', 'zenith']) {
      for (let u = 0; u < 9; u++) {
        const balances: Record<string, bigint> = {};
        for (const asset of ['BTC', 'ETH'] as const) {
          if ((u + (asset === 'ETH' ? 1 : 0)) % 3 === 0) continue;
          const acct = await ledger.openAccount({ clientId: client, ownerId: `u${u}`, asset, kind: 'user' });
          const amount = BigInt(1 + u * 1000 + n++) * (asset === 'ETH' ? 10n ** 15n : 1n);
          await ledger.transfer({
            id: `seed-${client}-${u}-${asset}`,
            debitAccountId: custody[asset].id,
            creditAccountId: acct.id,
            amount,
          });
          balances[asset] = amount;
        }
        expected.set(`${client}/u${u}`, balances);
      }
    }
    snapshotId = (await snapshots.take('auditor:test')).id;
  });

  it("publishes one root, and every user's proof verifies against it with the standalone verifier", async () => {
    const root = await liabilities.publish(snapshotId, { id: 'key-1', role: 'auditor' });
    expect(await liabilities.publish(snapshotId)).toEqual(root);
    // Published once, audited once, with the root as the payload.
    await new AuditLog(ctx().db).flush();
    const audited = await new AuditLog(ctx().db).list({ subjectType: 'snapshot', subjectId: snapshotId });
    expect(audited.map((e) => [e.action, e.actor.id])).toEqual([['proof_of_liabilities.published', 'key-1']]);
    const snap = await snapshots.get(snapshotId);
    expect(root.totals).toEqual(Object.fromEntries((snap.totals ?? []).map((t) => [t.asset, t.balance])));
    // Format 2: bound to the snapshot's time, and the document checks on its own.
    expect(root).toMatchObject({ version: 2, kind: 'root', snapshotTime: snap.takenAt, attestations: [] });
    expect(verifyPublished(root, { expectedRoot: root.root })).toMatchObject({ outcome: 'valid' });
    for (const [userId, balances] of expected) {
      if (Object.keys(balances).length === 0) continue;
      const [clientId, user] = userId.split('/');
      const proof = await liabilities.proof(snapshotId, clientId, user);
      const result = verifyProof(proof, { userId, published: root });
      expect(result).toMatchObject({ outcome: 'valid', userId, snapshotTime: snap.takenAt });
      if (result.valid) {
        for (const [asset, amount] of Object.entries(balances)) expect(BigInt(result.balances[asset])).toBe(amount);
      }
    }
  });

  it('a proof with a changed balance or against another root fails', async () => {
    const root = await liabilities.published(snapshotId);
    const proof = await liabilities.proof(snapshotId, 'acme', 'u1');
    const inflated = { ...proof, balances: { ...proof.balances, BTC: (BigInt(proof.balances.BTC) + 1n).toString() } };
    expect(verifyProof(inflated, { userId: 'acme/u1', expectedRoot: root.root })).toMatchObject({
      code: 'root_mismatch',
    });
    expect(verifyProof(proof, { userId: 'acme/u1', expectedRoot: 'ff'.repeat(32) })).toMatchObject({
      code: 'expected_root_mismatch',
    });
    expect(verifyProof(proof, { userId: 'acme/u2', expectedRoot: root.root })).toMatchObject({ code: 'user_mismatch' });
    const understated = { ...root, totals: { ...root.totals, BTC: '1' } };
    expect(verifyProof(proof, { userId: 'acme/u1', published: understated })).toMatchObject({
      code: 'published_inconsistent',
    });
    await expect(liabilities.proof(snapshotId, 'acme', 'nobody')).rejects.toMatchObject({
      code: 'proof.user_not_in_snapshot',
    });
  });

  it('serves proofs after a restart from the stored salt (same root)', async () => {
    const { db } = ctx();
    const fresh = new LiabilitiesService(db, snapshots);
    const root = await fresh.published(snapshotId);
    const proof = await fresh.proof(snapshotId, 'zenith', 'u2');
    expect(verifyProof(proof, { userId: 'zenith/u2', expectedRoot: root.root }).valid).toBe(true);
  });

  it('keeps serving format 1 proofs for a root published in format 1', async () => {
    const { db } = ctx();
    const old = (await snapshots.take('auditor:test')).id;
    const users = new Map<string, UserBalances>();
    for (const r of await snapshots.balances(old, null, 10000)) {
      const u = users.get(`${r.clientId}/${r.userId}`) ?? { userId: `${r.clientId}/${r.userId}`, balances: {} };
      u.balances[r.asset] = r.balance;
      users.set(u.userId, u);
    }
    const salt = randomBytes(32);
    const v1 = LiabilityTree.build({
      version: 1,
      snapshotId: old,
      assets: ['BTC', 'ETH'],
      salt,
      users: [...users.values()],
    });
    await db.query('INSERT INTO compliance.liability_proofs (snapshot_id, salt, published) VALUES ($1, $2, $3)', [
      old,
      salt,
      JSON.stringify(v1.published()),
    ]);
    const fresh = new LiabilitiesService(db, snapshots);
    expect(await fresh.publish(old)).toMatchObject({ version: 1, root: v1.root });
    const proof = await fresh.proof(old, 'acme', 'u1');
    expect(proof.version).toBe(1);
    expect(verifyProof(proof, { userId: 'acme/u1', published: v1.published() })).toMatchObject({ outcome: 'valid' });
  });
});

describeEachBackend('proof of liabilities over an empty snapshot', { contexts: [complianceContext] }, (ctx) => {
  it('is refused with proof.no_assets, and nothing is published', async () => {
    const { db } = ctx();
    const { snapshots, liabilities } = ledgerOnlyProofs(db);
    const id = (await snapshots.take('auditor:test')).id;
    await expect(liabilities.publish(id)).rejects.toMatchObject({ code: 'proof.no_assets', status: 422 });
    const [{ n }] = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM compliance.liability_proofs');
    expect(n).toBe('0');
  });
});
