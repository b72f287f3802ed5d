// What `strongroom recovery export` shares with the tool: the one file format and its checks.
export * from './canonical-json';
export * from './recovery-format';
export { readRecoveryFile, redigestedFile } from './recovery-shape';
export { verifyRecoveryFile, type WalletCheck } from './verify-recovery';
export { accountTag, taggedMultisig, p2wshOutput } from './bitcoin-scripts';
