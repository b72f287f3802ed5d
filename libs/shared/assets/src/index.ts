export * from './assets';
export * from './parse-asset-amounts';
