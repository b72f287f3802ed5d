import { AuthErrors, ChangeRequestWire } from '@strongroom/api-auth';

/** What a route proposing a dual-control change answers: 202 with the pending change. */
export const PROPOSED = { 202: ChangeRequestWire };

/** What proposing refuses besides the change kind's own checks: a payload the change store cannot keep. */
export const PROPOSAL_REFUSALS = [AuthErrors['change.invalid_payload']];
