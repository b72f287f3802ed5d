import { randomBytes } from 'node:crypto';
import {
  VERSION,
  type FormatVersion,
  type InclusionProof,
  type PublishedRoot,
  type TreeExport,
} from '@strongroom/proof-verifier';
import type { AuditLog } from '@strongroom/audit';
import type { Database } from '@strongroom/persistence';
import { domainError } from '@strongroom/shared-types';
import { ComplianceErrors } from '../compliance.errors';
import type { SnapshotService } from '../snapshot/snapshot.service';
import { LiabilityTree, type UserBalances } from './liability-tree';
import { exportTree, exportTreeJson } from './tree-export';

/** The id a user's leaf commits to: the client and the user within it. */
export const proofUserId = (clientId: string, userId: string): string => `${clientId}/${userId}`;

/**
 * Proofs of liabilities over complete snapshots (docs/proof-of-liabilities.md): one
 * published root per snapshot, and per-user inclusion proofs the exchange hands to its users.
 * New roots are format 2 (bound to the snapshot's time); a root published in format 1 keeps
 * serving format 1 proofs. The tree is rebuilt deterministically from the stored rows, salt and
 * format version; the last one is cached.
 */
export class LiabilitiesService {
  private cached?: { snapshotId: string; tree: LiabilityTree };

  constructor(
    private readonly db: Database,
    private readonly snapshots: SnapshotService,
    /** When given, a published root is recorded in the audit log. */
    private readonly audit?: Pick<AuditLog, 'append'>,
  ) {}

  /** Builds and publishes the root of a snapshot (once; later calls return the same root). */
  async publish(
    snapshotId: string,
    actor: { id: string; role: string } = { id: 'liabilities', role: 'system' },
  ): Promise<PublishedRoot> {
    const existing = await this.published(snapshotId).catch(() => null);
    if (existing) return existing;
    const salt = randomBytes(32);
    const tree = await this.build(snapshotId, salt, VERSION);
    const published = tree.published();
    const rows = await this.db.transaction(async (tx) => {
      const inserted = await tx.query<{ published: PublishedRoot | string }>(
        `INSERT INTO compliance.liability_proofs (snapshot_id, salt, published) VALUES ($1, $2, $3)
         ON CONFLICT (snapshot_id) DO NOTHING RETURNING published`,
        [snapshotId, salt, JSON.stringify(published)],
      );
      if (inserted.length > 0) {
        await this.audit?.append(tx, {
          actor,
          action: 'proof_of_liabilities.published',
          subject: { type: 'snapshot', id: snapshotId },
          payload: published,
        });
      }
      return inserted;
    });
    // A concurrent publisher won: serve its root, never a second one.
    if (rows.length === 0) return this.published(snapshotId);
    this.cached = { snapshotId, tree };
    return published;
  }

  async published(snapshotId: string): Promise<PublishedRoot> {
    const [row] = await this.db.query<{ published: PublishedRoot | string }>(
      'SELECT published FROM compliance.liability_proofs WHERE snapshot_id = $1',
      [snapshotId],
    );
    if (!row)
      throw domainError(
        ComplianceErrors['proof.not_published'],
        `no proof of liabilities has been published for snapshot ${snapshotId}`,
      );
    return typeof row.published === 'string' ? (JSON.parse(row.published) as PublishedRoot) : row.published;
  }

  /** One user's inclusion proof in a published snapshot. */
  async proof(snapshotId: string, clientId: string, userId: string): Promise<InclusionProof> {
    const tree = await this.tree(snapshotId);
    const proof = tree.proofFor(proofUserId(clientId, userId));
    if (!proof)
      throw domainError(
        ComplianceErrors['proof.user_not_in_snapshot'],
        `user ${clientId}/${userId} has no balance in snapshot ${snapshotId}`,
      );
    return proof;
  }

  /** The complete tree of a published snapshot for auditors: every leaf, named by its commitment. */
  async export(snapshotId: string): Promise<TreeExport> {
    const { tree, published } = await this.exported(snapshotId);
    return exportTree(tree, published);
  }

  /** The same export as JSON text in chunks (what GET …/liabilities/export streams). */
  async exportJson(snapshotId: string): Promise<Iterable<string>> {
    const { tree, published } = await this.exported(snapshotId);
    return exportTreeJson(tree, published);
  }

  /** An unknown snapshot is `snapshot.not_found`; a known one without a root `proof.not_published`. */
  private async exported(snapshotId: string): Promise<{ tree: LiabilityTree; published: PublishedRoot }> {
    await this.snapshots.get(snapshotId);
    const tree = await this.tree(snapshotId);
    return { tree, published: await this.published(snapshotId) };
  }

  private async tree(snapshotId: string): Promise<LiabilityTree> {
    if (this.cached?.snapshotId === snapshotId) return this.cached.tree;
    const [row] = await this.db.query<{ salt: Buffer | Uint8Array }>(
      'SELECT salt FROM compliance.liability_proofs WHERE snapshot_id = $1',
      [snapshotId],
    );
    if (!row)
      throw domainError(
        ComplianceErrors['proof.not_published'],
        `no proof of liabilities has been published for snapshot ${snapshotId}`,
      );
    const published = await this.published(snapshotId);
    const tree = await this.build(snapshotId, Buffer.from(row.salt), published.version);
    // The stored rows are immutable, so this can only fail if the database was tampered with.
    if (tree.root !== published.root)
      throw new Error(`snapshot ${snapshotId}: rebuilt root ${tree.root} differs from the published ${published.root}`);
    this.cached = { snapshotId, tree };
    return tree;
  }

  private async build(snapshotId: string, salt: Uint8Array, version: FormatVersion): Promise<LiabilityTree> {
    const snap = await this.snapshots.get(snapshotId);
    if (snap.status !== 'complete')
      throw domainError(ComplianceErrors['snapshot.not_complete'], `snapshot ${snapshotId} is ${snap.status}`);
    const users = new Map<string, UserBalances>();
    let after: { clientId: string; userId: string; asset: string } | null = null;
    for (;;) {
      const page = await this.snapshots.balances(snapshotId, after, 10000);
      for (const r of page) {
        const id = proofUserId(r.clientId, r.userId);
        const u = users.get(id) ?? { userId: id, balances: {} };
        u.balances[r.asset] = r.balance;
        users.set(id, u);
      }
      if (page.length < 10000) break;
      const last = page[page.length - 1];
      after = { clientId: last.clientId, userId: last.userId, asset: last.asset };
    }
    // Asset order: ascending code (byte order); a user without a row for an asset holds 0 of it.
    const assets = (snap.totals ?? []).map((t) => t.asset).sort();
    if (assets.length === 0)
      throw domainError(ComplianceErrors['proof.no_assets'], `snapshot ${snapshotId} holds no balances`);
    const format = version === 1 ? { version } : { version, snapshotTime: snap.takenAt };
    return LiabilityTree.build({ ...format, snapshotId, assets, salt, users: [...users.values()] });
  }
}
