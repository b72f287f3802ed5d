export * from './audit.context';
export * from './audit.errors';
export * from './audit-entry';
export * from './audit-log';
export * from './audit.module';
export * from './canonical-json';
