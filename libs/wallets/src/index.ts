export * from './wallet.types';
export * from './wallet-directory';
export { walletsMigrations, WalletsInit1763700000000 } from './migrations/wallets-init.migration';
export * from './wallets.context';
