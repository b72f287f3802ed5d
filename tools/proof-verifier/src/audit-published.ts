import { readPublished, type ParsedPublished } from './documents';
import { bytesToHex } from './encoding';
import { Refusal } from './refusals';
import { checkPublishedBinding, readDocument, type DocumentInput } from './verify';

/**
 * The audit's step against the root document published elsewhere (docs § 14.3 step 7): read it
 * by the document rules, it binds its own fields (format 2), it is about the export's snapshot,
 * time, asset order, depth and version, and the rebuilt tree leads to its root and its totals.
 */
export function checkAgainstPublished(
  input: DocumentInput,
  exported: ParsedPublished,
  root: string,
  sums: bigint[],
): void {
  const doc = readPublished(readDocument(input));
  checkPublishedBinding(doc);
  const same: [string, unknown, unknown][] = [
    ['version', doc.version, exported.version],
    ['snapshotId', doc.snapshotId, exported.snapshotId],
    ['snapshotTime', doc.snapshotTime, exported.snapshotTime],
    ['assets', doc.assets.join(','), exported.assets.join(',')],
    ['depth', doc.depth, exported.depth],
  ];
  for (const [name, published, inExport] of same)
    if (published !== inExport)
      throw new Refusal(
        'published_mismatch',
        `$.${name}`,
        `the published document's ${name} differs from the export's`,
      );
  if (bytesToHex(doc.root) !== root)
    throw new Refusal(
      'expected_root_mismatch',
      '$.root',
      `the export leads to root ${root}, not to the published ${bytesToHex(doc.root)}`,
    );
  const wrong = doc.totals.findIndex((t, k) => t !== sums[k]);
  if (wrong >= 0)
    throw new Refusal(
      'published_totals_mismatch',
      `$.totals.${doc.assets[wrong]}`,
      `published ${doc.assets[wrong]} total ${doc.totals[wrong]}, but the leaves add up to ${sums[wrong]}`,
    );
}
