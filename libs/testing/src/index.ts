export * from './test-database';
export * from './second-connection';
