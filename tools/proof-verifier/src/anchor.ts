/** Chain anchors of published roots (docs/proof-publication.md § anchors). */
export * from './anchor-payload';
export * from './anchor-ethereum';
export * from './anchor-rpc';
export * from './anchor-bitcoin';
