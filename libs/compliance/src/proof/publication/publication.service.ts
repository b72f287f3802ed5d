import type { AuditLog } from '@strongroom/audit';
import type { Database } from '@strongroom/persistence';
import {
  CUSTODY_SIGNATURE,
  ETHEREUM_ANCHOR,
  verifyAnchor,
  type AnchorTx,
  ROOT_STATEMENT,
  USER_STATEMENT_FORMAT,
  USER_STATEMENT_VERSION,
  rootStatementMessage,
  userStatementMessage,
  type Attestation,
  type PublishedRoot,
  type PublishedRootV2,
  type UserStatement,
} from '@strongroom/proof-verifier';
import { domainError } from '@strongroom/shared-types';
import type { LiabilitiesService } from '../liabilities.service';
import { PublicationErrors as E } from './publication.errors';
import type { PublicationKey } from './publication-key';

type Actor = { id: string; role: string };
type Liabilities = Pick<LiabilitiesService, 'publish' | 'published' | 'proof'>;

const v2 = (doc: PublishedRoot, snapshotId: string): PublishedRootV2 => {
  if (doc.version !== 2)
    throw domainError(E['publication.format_1'], `snapshot ${snapshotId} was published in format 1`);
  return doc;
};

/**
 * Publication of proof-of-liabilities roots (docs/proof-publication.md): the custody's
 * publication key signs each published root's statement once, and the signature is served in
 * the document's `attestations` (with the chain anchors, when recorded). User statements are
 * signed on request, each recorded in the audit log so the custody knows what it stated.
 */
export class PublicationService {
  constructor(
    private readonly db: Database,
    private readonly liabilities: Liabilities,
    private readonly key: PublicationKey,
    private readonly audit?: Pick<AuditLog, 'append'>,
  ) {}

  /** Publishes the snapshot's root (idempotent) and signs it (once): the document with its attestations. */
  async publish(snapshotId: string, actor: Actor): Promise<PublishedRootV2> {
    const doc = v2(await this.liabilities.publish(snapshotId, actor), snapshotId);
    if (!(await this.attestations(snapshotId)).some((a) => a.type === CUSTODY_SIGNATURE)) {
      const sig = await this.key.sign(rootStatementMessage(doc));
      await this.record(snapshotId, { type: CUSTODY_SIGNATURE, statement: ROOT_STATEMENT, ...sig }, actor);
    }
    return this.document(snapshotId);
  }

  /** The published root document with every attestation recorded for it. */
  async document(snapshotId: string): Promise<PublishedRootV2> {
    const doc = v2(await this.liabilities.published(snapshotId), snapshotId);
    return { ...doc, attestations: [...doc.attestations, ...(await this.attestations(snapshotId))] };
  }

  /** Records an attestation of a published root; a second one of the same type is ignored. */
  async record(snapshotId: string, attestation: Attestation, actor: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      const rows = await tx.query(
        `INSERT INTO compliance.root_attestations (snapshot_id, type, attestation) VALUES ($1, $2, $3)
         ON CONFLICT (snapshot_id, type) DO NOTHING RETURNING type`,
        [snapshotId, attestation.type, JSON.stringify(attestation)],
      );
      if (rows.length > 0)
        await this.audit?.append(tx, {
          actor,
          action: 'proof_of_liabilities.attested',
          subject: { type: 'snapshot', id: snapshotId },
          payload: attestation,
        });
    });
  }

  /**
   * Records a mined anchor of the snapshot's root (docs/proof-publication.md § anchors) after
   * checking it as any verifier would: the relayer's 0-ETH self-send carrying exactly this root.
   */
  async recordAnchor(
    snapshotId: string,
    anchor: { chainId: number; relayer: string; tx: AnchorTx },
    actor: Actor,
  ): Promise<void> {
    const doc = v2(await this.liabilities.published(snapshotId), snapshotId);
    const checked = verifyAnchor(anchor.tx, { snapshotId: doc.snapshotId, root: doc.root, relayer: anchor.relayer });
    if (checked.outcome === 'invalid')
      throw domainError(E['publication.anchor_invalid'], `${checked.code}: ${checked.reason}`, {
        txHash: anchor.tx.hash,
      });
    const attestation = {
      type: ETHEREUM_ANCHOR,
      chainId: anchor.chainId,
      relayer: anchor.relayer,
      txHash: anchor.tx.hash,
    };
    await this.record(snapshotId, attestation, actor);
  }

  /** A signed statement of one user's balances in a published snapshot, from their leaf. */
  async userStatement(snapshotId: string, clientId: string, userId: string, actor: Actor): Promise<UserStatement> {
    const doc = v2(await this.liabilities.published(snapshotId), snapshotId);
    const proof = await this.liabilities.proof(snapshotId, clientId, userId);
    const fields = {
      snapshotId: doc.snapshotId,
      snapshotTime: doc.snapshotTime,
      root: doc.root,
      userId: proof.userId,
      assets: doc.assets,
      balances: Object.fromEntries(doc.assets.map((a) => [a, proof.balances[a]])),
      issuedAt: new Date().toISOString(),
    };
    const { publicKey, r, s } = await this.key.sign(userStatementMessage(fields));
    const statement: UserStatement = {
      format: USER_STATEMENT_FORMAT,
      version: USER_STATEMENT_VERSION,
      ...fields,
      publicKey,
      signature: { r, s },
    };
    await this.db.transaction(async (tx) => {
      await this.audit?.append(tx, {
        actor,
        action: 'proof_of_liabilities.user_statement',
        subject: { type: 'snapshot', id: snapshotId },
        payload: statement,
      });
    });
    return statement;
  }

  private async attestations(snapshotId: string): Promise<Attestation[]> {
    const rows = await this.db.query<{ attestation: Attestation | string }>(
      'SELECT attestation FROM compliance.root_attestations WHERE snapshot_id = $1 ORDER BY created_at, type',
      [snapshotId],
    );
    return rows.map((r) =>
      typeof r.attestation === 'string' ? (JSON.parse(r.attestation) as Attestation) : r.attestation,
    );
  }
}
