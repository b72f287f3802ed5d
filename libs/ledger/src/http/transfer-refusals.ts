import { AuthErrors } from '@strongroom/api-auth';
import { AmountErrors } from '@strongroom/shared-types';
import { LedgerErrors as E } from '../ledger.errors';

/** How an amount in a transfer body can be wrong (base units, digits only). */
const AMOUNT = [
  AmountErrors['amount.malformed'],
  AmountErrors['amount.base_units_expected'],
  AmountErrors['amount.not_positive'],
  AmountErrors['amount.too_large'],
  AmountErrors['amount.required'],
];

const METADATA = [E['transfer.metadata_invalid'], E['transfer.metadata_too_deep'], E['transfer.metadata_too_large']];

/** What the API edge refuses before the ledger is asked (ledger-access.ts). */
const EDGE = [
  E['account.not_found'],
  E['pending.not_found'],
  E['transfer.system_account'],
  E['transfer.cross_client'],
  E['transfer.debit_unbounded'],
  AuthErrors['client.not_found'],
  AuthErrors['client.suspended'],
];

/** A transfer the ledger itself refuses: its shape (no database needed) or the state it would break. */
const LEDGER = [
  E['transfer.id_invalid'],
  E['transfer.flags_invalid'],
  E['transfer.accounts_same'],
  E['transfer.timeout_invalid'],
  E['transfer.code_invalid'],
  E['transfer.linked_chain_open'],
  E['pending.id_required'],
  E['transfer.id_conflict'],
  E['transfer.asset_mismatch'],
  E['transfer.overflow'],
  E['account.closed'],
  E['account.debits_exceed_credits'],
  E['account.credits_exceed_debits'],
  E['pending.not_pending'],
  E['pending.already_resolved'],
  E['pending.expired'],
  E['pending.amount_exceeds'],
  E['pending.amount_mismatch'],
  E['pending.accounts_mismatch'],
];

/** A single transfer (create, post, void): every refusal is the answer. */
export const SINGLE_REFUSALS = [...AMOUNT, ...METADATA, ...EDGE, ...LEDGER];

/** A batch: only what refuses the whole request; the ledger's refusals are per-transfer results. */
export const BATCH_REFUSALS = [...AMOUNT, ...METADATA, ...EDGE, E['transfer.batch_invalid']];
