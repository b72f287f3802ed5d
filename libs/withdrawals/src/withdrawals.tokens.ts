/** The assembled PipelineDeps (database, ledger, audit, outbox, adapters, wallets, signer). */
export const PIPELINE_DEPS = Symbol('WITHDRAWALS_PIPELINE_DEPS');
export const WITHDRAWALS_OPTIONS = Symbol('WITHDRAWALS_OPTIONS');
