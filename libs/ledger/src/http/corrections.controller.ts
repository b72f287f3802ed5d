import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import {
  AuthErrors,
  ChangeRequestWire,
  CurrentPrincipal,
  DualControl,
  Roles,
  type Principal,
} from '@strongroom/api-auth';
import { ApiContract, ContractBody } from '@strongroom/shared-http';
import { LedgerService } from '../ledger.service';
import {
  CORRECTION_KIND,
  CORRECTION_PROPOSAL_ERRORS,
  CorrectionRequest,
  parseCorrection,
  resolveCorrection,
} from './correction';

@ApiTags('ledger: corrections')
@Controller('v1/corrections')
export class CorrectionsController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly dual: DualControl,
  ) {}

  @Post()
  @Roles('admin')
  @HttpCode(202)
  @ApiContract({
    summary: 'Propose a manual correction (maker–checker)',
    description:
      'An equity injection to cover a loss, a write-off: one balanced transfer between an adjustment account ' +
      '(equity, incident, fee) and a user or custody account, with a reason; amount in base units. Recorded as a ' +
      'pending `ledger.correction` change (202); a second admin of another owner approves it on ' +
      '`POST /v1/changes/{id}/approve` of this API, which books the transfer (id `correction:<change id>`, so a ' +
      "retry has one effect) in the approval's transaction, audited with both principals. What the approval would " +
      'refuse (sides, accounts, asset) is refused now. Admin only.',
    body: CorrectionRequest,
    responses: { 202: ChangeRequestWire },
    errors: [...CORRECTION_PROPOSAL_ERRORS, AuthErrors['change.invalid_payload']],
  })
  async propose(@CurrentPrincipal() who: Principal, @ContractBody() input: z.infer<typeof CorrectionRequest>) {
    const c = parseCorrection(input);
    // Refuse at once what the approval would refuse anyway (the accounts named do not change).
    await resolveCorrection(this.ledger, c);
    return this.dual.propose(who, CORRECTION_KIND, input);
  }
}
