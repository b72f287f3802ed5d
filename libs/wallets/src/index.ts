export * from './wallet.types';
export * from './wallet-directory';
export { WalletsInit1763700000000 } from './migrations/wallets-init.migration';
export * from './wallets.context';
export * from './wallets.errors';
