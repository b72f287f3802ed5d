export * from './chain-adapter';
export * from './intent';
