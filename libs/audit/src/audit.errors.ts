import { defineErrors } from '@strongroom/shared-types';

/** Refusals of the audit log's read API and of malformed entries. */
export const AuditErrors = defineErrors('audit', {
  'audit.bad_from_seq': { status: 400, title: 'fromSeq is not a positive integer' },
  'audit.bad_limit': { status: 400, title: 'limit is not an integer from 1 to 1000' },
  'audit.bad_subject': { status: 400, title: 'subjectId given without subjectType' },
  'audit.bad_entry': { status: 400, title: 'Audit entry field empty or not a string' },
});
