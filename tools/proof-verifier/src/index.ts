export * from './format';
export * from './encoding';
export * from './hash';
export * from './verify';
export * from './assets';
