export * from './errors';
export * from './error-catalogue';
export * from './amount';
export * from './amount.errors';
export * from './amount-display';
export * from './ids';
