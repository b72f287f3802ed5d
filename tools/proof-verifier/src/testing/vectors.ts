import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NegativeCase } from '../vector-case';

export type { NegativeCase };

/** The committed vector files, as the specs of the library, the CLI and the page read them. */
export const VECTORS_DIR = path.resolve(__dirname, '../../vectors');

export const loadVectors = <T>(name: string): T => JSON.parse(readFileSync(path.join(VECTORS_DIR, name), 'utf8')) as T;

export interface EdgeCase {
  name: string;
  description: string;
  published: { root: string };
  proofs: { user: string; proof: unknown }[];
}

export const negativeCases = (file: string): NegativeCase[] => loadVectors<{ cases: NegativeCase[] }>(file).cases;

/** The proof input exactly as the case gives it: bytes, text, or a JSON value. */
export function proofInput(c: NegativeCase): Uint8Array | string | object {
  if (c.proofBase64 !== undefined) return new Uint8Array(Buffer.from(c.proofBase64, 'base64'));
  if (c.proofText !== undefined) return c.proofText;
  return c.proof as object;
}

export function publishedInput(c: NegativeCase): string | object | undefined {
  return c.publishedText ?? (c.published as object | undefined);
}
