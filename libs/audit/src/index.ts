export * from './audit.context';
export * from './audit.errors';
export * from './audit-entry';
export * from './audit-log';
export * from './audit-verify';
export * from './audit.module';
export * from './canonical-json';
export { AuditChainer, type AuditChainerOptions } from './chain/audit-chainer';
export type { UnchainedTail } from './chain/audit-metrics';
