export * from './publication-signer';
export * from './publication-key';
export * from './publication.errors';
export * from './publication.service';
