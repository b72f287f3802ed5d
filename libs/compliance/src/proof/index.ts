export * from './liability-tree';
