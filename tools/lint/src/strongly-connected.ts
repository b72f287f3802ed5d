import type { Graph } from './import-graph';

/**
 * The cycles of a graph as its strongly connected components of more than one node (or a node
 * importing itself), each sorted, by Tarjan's algorithm. Iterative: a deep import chain must not
 * overflow the stack.
 */
function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('strongly-connected: node visited out of order');
  return value;
}

export function stronglyConnected(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; targets: string[]; i: number }> = [];
    const open = (node: string): void => {
      index.set(node, next);
      low.set(node, next++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, targets: [...(graph.get(node) ?? [])], i: 0 });
    };
    open(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.i < frame.targets.length) {
        const to = frame.targets[frame.i++];
        if (!index.has(to)) open(to);
        else if (onStack.has(to)) low.set(frame.node, Math.min(must(low.get(frame.node)), must(index.get(to))));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(must(low.get(parent)), must(low.get(frame.node))));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = must(stack.pop());
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1 || graph.get(frame.node)?.has(frame.node)) components.push(component.sort());
      }
    }
  }
  return components;
}

/** One shortest cycle through `start` inside its component, for a readable report. */
export function cycleThrough(graph: Graph, start: string, component: Set<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = must(queue.shift());
    for (const to of graph.get(node) ?? []) {
      if (!component.has(to)) continue;
      if (to === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(must(previous.get(path[0])));
        return [...path, start];
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start];
}
