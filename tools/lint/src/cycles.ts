// Fails when a project's sources import in a circle: between files, or between folders once
// each folder's files are taken as one node. Specs are left out: they import what they test.
import { statSync } from 'node:fs';
import path from 'node:path';
import { buildFileGraph, collapse, loadCompilerOptions, type Graph } from './import-graph';
import { isSpec, listProjects, listTsFiles } from './projects';
import { cycleThrough, stronglyConnected } from './strongly-connected';

export interface CycleReport {
  project: string;
  level: 'file' | 'folder';
  /** Members of the cycle, relative to the project's source root. */
  members: string[];
  /** One concrete loop, each hop with a file import that makes it: "a/x.ts -> b/y.ts". */
  example: string[];
}

/** One file import from group `from` into group `to`, to show which line to move. */
function witness(files: Graph, group: (file: string) => string, from: string, to: string): [string, string] {
  for (const [file, targets] of files) {
    if (group(file) !== from) continue;
    for (const target of targets) if (group(target) === to) return [file, target];
  }
  return [from, to];
}

function projectCycles(sourceRoot: string, project: string, files: Graph, level: CycleReport['level']) {
  // Files at the source root stay single nodes: the root holds both the entry points (index,
  // module) that assemble the subfolders and the shared contract the subfolders import.
  const group =
    level === 'file'
      ? (file: string) => file
      : (file: string) => (path.dirname(file) === sourceRoot ? file : path.dirname(file));
  const graph = level === 'file' ? files : collapse(files, group);
  const name = (node: string) => path.relative(sourceRoot, node);
  const isFolder = (node: string) => statSync(node).isDirectory();
  return stronglyConnected(graph)
    .filter((component) => level === 'file' || component.some(isFolder))
    .map<CycleReport>((component) => {
      const loop = cycleThrough(graph, component.find(isFolder) ?? component[0], new Set(component));
      const hops = loop.slice(1).map((to, i) => witness(files, group, loop[i], to));
      return {
        project,
        level,
        members: component.map(name),
        example: hops.map(([a, b]) => `${name(a)} -> ${name(b)}`),
      };
    });
}

export function findCycles(root: string): CycleReport[] {
  const options = loadCompilerOptions(root);
  const reports: CycleReport[] = [];
  for (const project of listProjects(root)) {
    const files = buildFileGraph(
      listTsFiles(project.sourceRoot, (f) => !isSpec(f)),
      options,
    );
    reports.push(...projectCycles(project.sourceRoot, project.name, files, 'file'));
    reports.push(...projectCycles(project.sourceRoot, project.name, files, 'folder'));
  }
  return reports;
}

export function formatCycle(report: CycleReport): string {
  const hops = report.example.map((hop) => `    ${hop}`).join('\n');
  return `${report.project}: ${report.level} cycle among ${report.members.join(', ')}\n${hops}`;
}

// Run directly (node tools/run.js tools/lint/src/cycles.ts), not when a spec imports it.
if (path.resolve(process.argv[1] ?? '') === __filename) {
  const reports = findCycles(path.resolve(__dirname, '../../..'));
  for (const report of reports) console.error(formatCycle(report));
  if (reports.length > 0) {
    console.error(`${reports.length} import cycle(s): move what both sides need into a lower file or folder.`);
    process.exit(1);
  }
  console.log('import cycles: none');
}
