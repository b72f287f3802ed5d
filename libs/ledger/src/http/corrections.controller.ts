import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, DualControl, Roles, type Principal } from '@strongroom/api-auth';
import { LedgerService } from '../ledger.service';
import { CORRECTION_KIND, CorrectionBody, parseCorrection, resolveCorrection } from './correction';
import { openApi } from './ledger.schemas';
import { ProblemSchema } from './openapi';

@ApiTags('ledger: corrections')
@ApiSecurity('key')
@Controller('v1/corrections')
export class CorrectionsController {
  constructor(
    private readonly ledger: LedgerService,
    private readonly dual: DualControl,
  ) {}

  @Post()
  @Roles('admin')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Propose a manual correction (maker–checker)',
    description:
      'An equity injection to cover a loss, a write-off: one balanced transfer between an adjustment account (equity, incident, fee) and a user or custody account, with a reason. ' +
      'Recorded as a pending `ledger.correction` change; a second admin of another owner approves it on `POST /v1/changes/:id/approve` of this API, which books the transfer ' +
      "(id `correction:<change id>`, so a retry has one effect) in the approval's transaction, audited with both principals.",
  })
  @ApiBody({ schema: openApi(CorrectionBody) })
  @ApiResponse({ status: 202, description: 'the pending change request' })
  @ApiResponse({ status: 400, description: 'request.invalid, amount.*, correction.invalid', schema: ProblemSchema })
  @ApiResponse({
    status: 422,
    description: 'correction.sides_invalid, correction.account_not_found, correction.asset_mismatch',
    schema: ProblemSchema,
  })
  async propose(@CurrentPrincipal() who: Principal, @Body() body: unknown) {
    const c = parseCorrection(body);
    // Refuse at once what the approval would refuse anyway (the accounts named do not change).
    await resolveCorrection(this.ledger, c);
    return this.dual.propose(who, CORRECTION_KIND, body);
  }
}
