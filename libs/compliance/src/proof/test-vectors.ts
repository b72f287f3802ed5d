import type { PublishedRootV1 } from '@strongroom/proof-verifier';
import { v1Vectors } from './vectors-v1';
import { v2EdgeVectors, v2SmallVectors } from './vectors-v2';
import { v2NegativeVectors } from './vectors-v2-negative';

/**
 * The committed test vectors (tools/proof-verifier/vectors), generated from fixed inputs so any
 * other implementation can rebuild the same trees and compare every byte. A spec fails when the
 * committed files differ from what this produces; rewrite them with
 * `node tools/run.js libs/compliance/src/proof/write-test-vectors.ts`.
 */
export const VECTOR_FILES = [
  'v1-small-tree.json',
  'v1-negative.json',
  'v1-proof-alice.json',
  'v2-small-tree.json',
  'v2-published.json',
  'v2-proof-alice.json',
  'v2-edge.json',
  'v2-negative.json',
] as const;

export function buildTestVectors(): Record<(typeof VECTOR_FILES)[number], unknown> {
  const v1 = v1Vectors();
  const v1Published = (v1['v1-small-tree.json'] as { published: PublishedRootV1 }).published;
  const all: Record<string, unknown> = {
    ...v1,
    ...v2SmallVectors(),
    ...v2EdgeVectors(),
    ...v2NegativeVectors(v1Published),
  };
  return Object.fromEntries(VECTOR_FILES.map((name) => [name, all[name]])) as Record<
    (typeof VECTOR_FILES)[number],
    unknown
  >;
}

export function vectorFileText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
