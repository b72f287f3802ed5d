import { hash as nodeHash } from 'node:crypto';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  commitmentMessage,
  contextMessage,
  type ExportLeaf,
  type PublishedRoot,
  type TreeExport,
} from '@strongroom/proof-verifier';
import type { LiabilityTree } from './liability-tree';

const sha256 = (message: Uint8Array): Buffer => Buffer.from(nodeHash('sha256', message, 'binary'), 'latin1');

/** Leaves per chunk of the streamed export: about 130 KB of JSON with three assets. */
const CHUNK_LEAVES = 1000;

/** Leaf `index` of the tree named by its commitment C = H(05 ‖ v ‖ X ‖ nonce ‖ str(userId)). */
function leavesOf(tree: LiabilityTree): (index: number) => ExportLeaf {
  const context = sha256(
    contextMessage({
      version: tree.version,
      snapshotId: tree.snapshotId,
      snapshotTime: tree.snapshotTime,
      assets: tree.assets,
    }),
  );
  return (index) => {
    const { userId, nonce, balances } = tree.leafAt(index);
    const commitment = sha256(commitmentMessage(tree.version, context, nonce, userId)).toString('hex');
    return { commitment, balances };
  };
}

/**
 * The complete tree of a snapshot for auditors (docs/proof-of-liabilities.md § 14): the published
 * root document and every leaf in leaf order, each named by its commitment C, never by the user id.
 * `published` is the document as stored (it may carry attestations the rebuilt tree does not know).
 */
export function exportTree(tree: LiabilityTree, published: PublishedRoot = tree.published()): TreeExport {
  const leaf = leavesOf(tree);
  const leaves = Array.from({ length: tree.userCount }, (_, index) => leaf(index));
  return { format: EXPORT_FORMAT, exportVersion: EXPORT_VERSION, published, leaves };
}

/**
 * The same export as JSON text in chunks, byte for byte `JSON.stringify(exportTree(tree, published))`,
 * so a large tree is sent without building one string (or one array of leaf objects) for all of it.
 */
export function* exportTreeJson(tree: LiabilityTree, published: PublishedRoot = tree.published()): Generator<string> {
  const head = { format: EXPORT_FORMAT, exportVersion: EXPORT_VERSION, published };
  yield `${JSON.stringify(head).slice(0, -1)},"leaves":[`;
  const leaf = leavesOf(tree);
  for (let start = 0; start < tree.userCount; start += CHUNK_LEAVES) {
    const end = Math.min(start + CHUNK_LEAVES, tree.userCount);
    const parts: string[] = [];
    for (let i = start; i < end; i++) parts.push(JSON.stringify(leaf(i)));
    yield (start === 0 ? '' : ',') + parts.join(',');
  }
  yield ']}';
}
