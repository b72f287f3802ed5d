import { hash as nodeHash } from 'node:crypto';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  commitmentMessage,
  contextMessage,
  type TreeExport,
} from '@strongroom/proof-verifier';
import type { LiabilityTree } from './liability-tree';

const sha256 = (message: Uint8Array): Buffer => Buffer.from(nodeHash('sha256', message, 'binary'), 'latin1');

/**
 * The complete tree of a snapshot for auditors (docs/proof-of-liabilities.md § 14): the published
 * root document and every leaf in leaf order, each named by its commitment C, never by the user id.
 */
export function exportTree(tree: LiabilityTree): TreeExport {
  const context = sha256(
    contextMessage({
      version: tree.version,
      snapshotId: tree.snapshotId,
      snapshotTime: tree.snapshotTime,
      assets: tree.assets,
    }),
  );
  const leaves = Array.from({ length: tree.userCount }, (_, index) => {
    const { userId, nonce, balances } = tree.leafAt(index);
    const commitment = sha256(commitmentMessage(tree.version, context, nonce, userId)).toString('hex');
    return { commitment, balances };
  });
  return { format: EXPORT_FORMAT, exportVersion: EXPORT_VERSION, published: tree.published(), leaves };
}
