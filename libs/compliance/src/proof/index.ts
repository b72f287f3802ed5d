export * from './liability-tree';
export * from './tree-export';
