import { Controller, Get, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { ApiContract, ContractBody, ContractParams } from '@strongroom/shared-http';
import { ComplianceErrors as E } from '../compliance.errors';
import { PublicationKey } from '../proof/publication/publication-key';
import { PublicationErrors as P } from '../proof/publication/publication.errors';
import { PublicationService } from '../proof/publication/publication.service';
import { bySnapshot, byUserProof, noBody } from './compliance-inputs';
import { PublishedLiabilitiesWire } from './compliance-wire';
import {
  AuditorsOfAllClients,
  BackendsOfPathClient,
  principalActor,
  PUBLISH_REFUSALS,
  USER_PROOF_REFUSALS,
} from './proof-routes';
import { PublicationKeyWire, UserStatementWire } from './proof-publication-wire';

/** What signing with the publication key refuses. */
const SIGNING = [P['publication.unavailable'], P['publication.key_changed'], P['publication.signature_invalid']];

/**
 * Publication of proofs of liabilities (docs/proof-publication.md): the published root signed by
 * the custody's publication key in KMS, that key, and users' signed balance statements.
 */
@ApiTags('compliance')
@Controller('v1')
export class ProofPublicationController {
  constructor(
    @Inject(PublicationService) private readonly publication: PublicationService,
    @Inject(PublicationKey) private readonly key: PublicationKey,
  ) {}

  @Post('snapshots/:id/liabilities/publication')
  @AuditorsOfAllClients()
  @ApiContract({
    summary: "Publish a snapshot's root signed by the custody's publication key",
    description:
      'Publishes the root as `POST /v1/snapshots/{id}/liabilities` does (idempotent), then signs its root ' +
      'statement once with the publication key in KMS; answers the root document with its `custody-signature` ' +
      'attestation (`strongroom proof signed-root`). A key scoped to every client only.',
    params: bySnapshot,
    body: noBody,
    responses: { 201: PublishedLiabilitiesWire },
    errors: [...PUBLISH_REFUSALS, P['publication.format_1'], ...SIGNING],
  })
  publish(
    @ContractParams() { id }: z.infer<typeof bySnapshot>,
    @ContractBody() _input: z.infer<typeof noBody>,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.publication.publish(id, principalActor(who));
  }

  @Get('snapshots/:id/liabilities/publication')
  @Roles('backend', 'auditor')
  @ApiContract({
    summary: 'The published root document with its signatures and anchors',
    description:
      'The document of `GET /v1/snapshots/{id}/liabilities` with every attestation recorded for the root ' +
      '(the custody signature, chain anchors). Format 2 roots only.',
    params: bySnapshot,
    responses: { 200: PublishedLiabilitiesWire },
    errors: [E['proof.not_published'], P['publication.format_1']],
  })
  document(@ContractParams() { id }: z.infer<typeof bySnapshot>) {
    return this.publication.document(id);
  }

  @Post('snapshots/:id/liabilities/statements/:clientId/:userId')
  @BackendsOfPathClient()
  @ApiContract({
    summary: "A signed statement of a user's balances in a published snapshot, to hand to the user",
    description:
      'Signed now by the publication key over the encoding of docs/proof-publication.md, and recorded in the ' +
      'audit log: the user keeps it and can present it in a dispute. Check with `strongroom proof statement ' +
      '<file> --user <clientId>/<userId> --key <publication key>`. The client must be in the key scope.',
    params: byUserProof,
    body: noBody,
    responses: { 201: UserStatementWire },
    errors: [...USER_PROOF_REFUSALS, P['publication.format_1'], ...SIGNING],
  })
  userStatement(
    @ContractParams() { id, clientId, userId }: z.infer<typeof byUserProof>,
    @ContractBody() _input: z.infer<typeof noBody>,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.publication.userStatement(id, clientId, userId, principalActor(who));
  }

  @Get('proof-publication/key')
  @Roles('backend', 'auditor', 'admin')
  @ApiContract({
    summary: "The custody's publication key",
    description:
      'The key whose signatures the root documents and user statements carry, recorded on first use (this call, on ' +
      'an app holding the key, or the first signature). ' +
      'Users check statements against it (`--key`); publish it through channels of your own as well.',
    responses: { 200: PublicationKeyWire },
    errors: [P['publication.no_key']],
  })
  publicationKey() {
    return this.key.document();
  }
}
