/** Signed statements of the custody: encodings and their verification (docs/proof-publication.md). */
export * from './statement-encoding';
export * from './statement-verify';
