import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Directed graph: node → the nodes it imports. */
export type Graph = Map<string, Set<string>>;

/** Compiler options of the root tsconfig.json, so path aliases resolve as the compiler sees them. */
export function loadCompilerOptions(root: string): ts.CompilerOptions {
  const configPath = path.join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, root).options;
}

/**
 * The import graph of `files`, restricted to edges between them (imports leaving the set are
 * other projects or packages, whose own rules are the module boundaries' business).
 */
export function buildFileGraph(files: string[], options: ts.CompilerOptions): Graph {
  const inSet = new Set(files);
  const graph: Graph = new Map();
  for (const file of files) {
    const targets = new Set<string>();
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      const resolved = ts.resolveModuleName(fileName, file, options, ts.sys).resolvedModule?.resolvedFileName;
      if (resolved && inSet.has(resolved) && resolved !== file) targets.add(resolved);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The graph with every node replaced by `group(node)`; edges inside a group disappear. */
export function collapse(graph: Graph, group: (node: string) => string): Graph {
  const collapsed: Graph = new Map();
  for (const [from, targets] of graph) {
    const g = group(from);
    const out = collapsed.get(g) ?? new Set<string>();
    collapsed.set(g, out);
    for (const to of targets) if (group(to) !== g) out.add(group(to));
  }
  return collapsed;
}
