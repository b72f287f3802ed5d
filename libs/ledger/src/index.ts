export * from './ledger.context';
export * from './ledger.types';
export * from './ledger.errors';
export * from './ledger.service';
export * from './ledger.module';
export * from './transfer-flags';
export { transferBodyHash, canonicalJson } from './canonical-body';
export { TRANSFER_ID, TRANSFER_CODE } from './transfer-input';
export * from './http/ledger-http.module';
export { LedgerAccess, LEDGER_ASSETS } from './http/ledger-access';
export { CORRECTION_KIND, correctionTransferId, parseCorrection, type Correction } from './http/correction';
export { checkMetadata, isStorableString, MAX_METADATA_BYTES, MAX_METADATA_DEPTH } from './metadata-check';
export * from './ledger-cut';
export {
  AccountBalancesWire,
  AccountWire,
  BatchResultsWire,
  InvariantReportWire,
  LedgerSequence,
  TransferCommittedWire,
  TransferWire,
} from './http/ledger-wire';
