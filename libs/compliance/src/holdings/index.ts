export * from './bitcoin-holdings';
export * from './custody-holdings';
export * from './ethereum-holdings';
export * from './follower-chain-tips';
export * from './unbooked-movements';
