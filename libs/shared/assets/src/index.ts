export * from './asset.errors';
export * from './assets';
export * from './parse-asset-amounts';
export * from './token-contracts';
