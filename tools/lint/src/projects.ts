import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A workspace project as lint sees it: its name and the folder holding its sources. */
export interface Project {
  name: string;
  sourceRoot: string;
}

const PROJECT_PARENTS = ['apps', 'libs', 'tools'];

/** Every project.json under apps/, libs/ and tools/ whose source folder exists. */
export function listProjects(root: string): Project[] {
  const projects: Project[] = [];
  const visit = (dir: string): void => {
    const file = path.join(dir, 'project.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; sourceRoot?: string };
      const sourceRoot = path.join(root, json.sourceRoot ?? path.join(path.relative(root, dir), 'src'));
      if (existsSync(sourceRoot)) projects.push({ name: json.name ?? path.basename(dir), sourceRoot });
      return;
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'node_modules') visit(path.join(dir, entry.name));
    }
  };
  for (const parent of PROJECT_PARENTS) if (existsSync(path.join(root, parent))) visit(path.join(root, parent));
  return projects.sort((a, b) => a.name.localeCompare(b.name));
}

/** The TypeScript files under `dir`, as absolute paths, sorted. */
export function listTsFiles(dir: string, keep: (file: string) => boolean = () => true): string[] {
  const files: string[] = [];
  const visit = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'static') visit(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && keep(full)) files.push(full);
    }
  };
  visit(dir);
  return files.sort();
}

export const isSpec = (file: string): boolean => /\.(spec|integration-spec)\.ts$/.test(file);
