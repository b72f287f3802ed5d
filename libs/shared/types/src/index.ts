export * from './errors';
export * from './amount';
export * from './ids';
