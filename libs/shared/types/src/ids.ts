/** Chains Strongroom follows. */
export type ChainId = 'bitcoin' | 'ethereum';
export const CHAIN_IDS: readonly ChainId[] = ['bitcoin', 'ethereum'];

/** An asset code such as BTC, ETH or USDC (upper case letters and digits). */
export type AssetCode = string;
export const ASSET_CODE = /^[A-Z][A-Z0-9]{1,15}$/;

/** Roles of API principals (libs/api-auth/README.md says what each may do). */
export type Role = 'backend' | 'approver' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['backend', 'approver', 'auditor', 'admin'];
