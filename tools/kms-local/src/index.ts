export { KmsLocalServer, type KmsLocalOptions, type ServerStats } from './server';
export type { Faults, KeyFault } from './faults';
export { KmsError } from './kms-error';
export { KmsService, keyArn, ACCOUNT } from './kms-service';
