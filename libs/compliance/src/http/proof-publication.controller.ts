import { Controller, Get, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { AuthErrors, CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { ApiContract, ContractBody, ContractParams } from '@strongroom/shared-http';
import { ComplianceErrors as E } from '../compliance.errors';
import { PublicationKey } from '../proof/publication/publication-key';
import { PublicationErrors as P } from '../proof/publication/publication.errors';
import { PublicationService } from '../proof/publication/publication.service';
import { AllClientsGuard, PathClientGuard } from './client-scope.guards';
import { bySnapshot, byUserProof, noBody } from './compliance-inputs';
import { PublishedLiabilitiesWire } from './compliance-wire';
import { PublicationKeyWire, UserStatementWire } from './proof-publication-wire';

/** What building a liability tree refuses (as for the proof routes). */
const TREE = [
  E['snapshot.not_found'],
  E['snapshot.not_complete'],
  E['proof.no_assets'],
  E['proof.user_id'],
  E['proof.duplicate_user'],
  E['proof.unknown_asset'],
  E['proof.balance_range'],
  E['proof.sum_overflow'],
  E['proof.salt_length'],
  E['proof.too_many_users'],
];
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
  @Roles('auditor', 'admin')
  @UseGuards(AllClientsGuard)
  @ApiContract({
    summary: "Publish a snapshot's root signed by the custody's publication key",
    description:
      'Publishes the root as `POST /v1/snapshots/{id}/liabilities` does (idempotent), then signs its root ' +
      'statement once with the publication key in KMS; answers the root document with its `custody-signature` ' +
      'attestation (`strongroom proof signed-root`). A key scoped to every client only.',
    params: bySnapshot,
    body: noBody,
    responses: { 201: PublishedLiabilitiesWire },
    errors: [AuthErrors['auth.forbidden_client'], ...TREE, P['publication.format_1'], ...SIGNING],
  })
  publish(
    @ContractParams() { id }: z.infer<typeof bySnapshot>,
    @ContractBody() _input: z.infer<typeof noBody>,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.publication.publish(id, { id: who.keyId, role: who.role });
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
  @Roles('backend', 'auditor')
  @UseGuards(PathClientGuard)
  @ApiContract({
    summary: "A signed statement of a user's balances in a published snapshot, to hand to the user",
    description:
      'Signed now by the publication key over the encoding of docs/proof-publication.md, and recorded in the ' +
      'audit log: the user keeps it and can present it in a dispute. Check with `strongroom proof statement ' +
      '<file> --user <clientId>/<userId> --key <publication key>`. The client must be in the key scope.',
    params: byUserProof,
    body: noBody,
    responses: { 201: UserStatementWire },
    errors: [
      AuthErrors['auth.forbidden_client'],
      E['proof.not_published'],
      E['proof.user_not_in_snapshot'],
      P['publication.format_1'],
      ...SIGNING,
      ...TREE,
    ],
  })
  userStatement(
    @ContractParams() { id, clientId, userId }: z.infer<typeof byUserProof>,
    @ContractBody() _input: z.infer<typeof noBody>,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.publication.userStatement(id, clientId, userId, { id: who.keyId, role: who.role });
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
