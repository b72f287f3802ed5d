export * from './chain-types';
export * from './chain-adapter';
export * from './capabilities';
export * from './has-capabilities';
export * from './intent';
export * from './chains.errors';
