import path from 'node:path';
import { isErrorCatalogue, type ErrorEntry } from '@strongroom/shared-types';
import { listTsFiles } from './projects';

/** Where catalogues live: a context's `<name>.errors.ts`, anywhere under these folders. */
const SEARCHED = ['libs', 'apps', 'tools'];

export const isCatalogueFile = (file: string): boolean => file.endsWith('.errors.ts');

/** Every catalogue file of the workspace, loaded, with its entries; fails on a code defined twice. */
export function loadCatalogues(root: string): { file: string; entries: ErrorEntry[] }[] {
  const seen = new Map<string, string>();
  const catalogues: { file: string; entries: ErrorEntry[] }[] = [];
  for (const dir of SEARCHED) {
    for (const file of listTsFiles(path.join(root, dir), isCatalogueFile)) {
      const entries: ErrorEntry[] = [];
      for (const value of Object.values(require(file) as Record<string, unknown>)) {
        if (!isErrorCatalogue(value)) continue;
        for (const entry of Object.values(value)) {
          const other = seen.get(entry.code);
          if (other) throw new Error(`error code ${entry.code} is defined in ${other} and ${file}`);
          seen.set(entry.code, file);
          entries.push(entry);
        }
      }
      if (entries.length > 0) catalogues.push({ file: path.relative(root, file), entries });
    }
  }
  return catalogues;
}
