import { Readable } from 'node:stream';
import { Controller, Get, Inject, Post, StreamableFile } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { AuthErrors, CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import { ApiContract, ContractBody, ContractParams } from '@strongroom/shared-http';
import { ComplianceErrors as E } from '../compliance.errors';
import { ProofOfAssetsService } from '../assets/proof-of-assets.service';
import { LiabilitiesService } from '../proof/liabilities.service';
import { assetsBody, bySnapshot, byUserProof, noBody } from './compliance-inputs';
import { InclusionProofWire, ProofOfAssetsWire, PublishedLiabilitiesWire } from './compliance-wire';
import { TreeExportWire } from './liabilities-export.wire';
import {
  AuditorsOfAllClients,
  BackendsOfPathClient,
  principalActor,
  PUBLISH_REFUSALS,
  TREE_REFUSALS,
  USER_PROOF_REFUSALS,
} from './proof-routes';

/**
 * Proofs of liabilities (a published Merkle sum root per snapshot, inclusion proofs per user) and
 * proofs of assets (the custody keys sign an auditor's challenge). The documents are the formats
 * the stand-alone verifier checks (tools/proof-verifier), answered as they are.
 */
@ApiTags('compliance')
@Controller('v1')
export class ProofsController {
  constructor(
    @Inject(LiabilitiesService) private readonly liabilities: LiabilitiesService,
    @Inject(ProofOfAssetsService) private readonly proofOfAssets: ProofOfAssetsService,
  ) {}

  @Post('snapshots/:id/liabilities')
  @AuditorsOfAllClients()
  @ApiContract({
    summary: 'Build and publish the proof-of-liabilities root of a complete snapshot',
    description:
      'Idempotent: a snapshot has one root, and publishing again (or concurrently) answers the same one (201). ' +
      'New roots are format 2: the root commits to the snapshot id and time, the asset order, the depth, the top ' +
      'hash and the totals, all in the document (`strongroom proof check-root` recomputes it). Takes no ' +
      'parameters. A key scoped to every client only.',
    params: bySnapshot,
    body: noBody,
    responses: { 201: PublishedLiabilitiesWire },
    errors: PUBLISH_REFUSALS,
  })
  publish(
    @ContractParams() { id }: z.infer<typeof bySnapshot>,
    @ContractBody() _input: z.infer<typeof noBody>,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.liabilities.publish(id, principalActor(who));
  }

  @Get('snapshots/:id/liabilities')
  @Roles('backend', 'auditor')
  @ApiContract({
    summary: 'The published root, totals and asset order of a snapshot',
    description:
      'What every client may see: the root document its users check their proofs against, in the format it was ' +
      'published in (format 1 for roots published before format 2).',
    params: bySnapshot,
    responses: { 200: PublishedLiabilitiesWire },
    errors: [E['proof.not_published']],
  })
  published(@ContractParams() { id }: z.infer<typeof bySnapshot>) {
    return this.liabilities.published(id);
  }

  @Get('snapshots/:id/liabilities/proofs/:clientId/:userId')
  @BackendsOfPathClient()
  @ApiContract({
    summary: "A user's inclusion proof, to hand to the user",
    description:
      "In the format of the snapshot's published root. The leaf commits to the id `<clientId>/<userId>`, which the " +
      'user gives the verifier: `strongroom proof verify <proof> --user <clientId>/<userId> --published <root ' +
      "document>` or the verifier page. The client must be in the key's scope.",
    params: byUserProof,
    responses: { 200: InclusionProofWire },
    errors: USER_PROOF_REFUSALS,
  })
  userProof(@ContractParams() { id, clientId, userId }: z.infer<typeof byUserProof>) {
    return this.liabilities.proof(id, clientId, userId);
  }

  @Get('snapshots/:id/liabilities/export')
  @AuditorsOfAllClients()
  @ApiContract({
    summary: 'The complete liability tree of a published snapshot, for auditors',
    description:
      'The published root document and every leaf in leaf order, each named by its commitment (the user id ' +
      'pseudonymised per snapshot) with its balances: `strongroom proof audit <export> --published <root>` rebuilds ' +
      'the root from it and, given the reconciliation of the snapshot (`--holdings`), states solvency per asset. ' +
      'Streamed (about 130 bytes per user with three assets). Every client’s users are in it, so a key scoped to ' +
      'every client only (403 `auth.forbidden_client` otherwise).',
    params: bySnapshot,
    responses: { 200: TreeExportWire },
    errors: [AuthErrors['auth.forbidden_client'], E['proof.not_published'], ...TREE_REFUSALS],
  })
  async exportTree(@ContractParams() { id }: z.infer<typeof bySnapshot>): Promise<StreamableFile> {
    // Refusals (unknown snapshot, no root) are thrown before the first byte is sent.
    const chunks = await this.liabilities.exportJson(id);
    return new StreamableFile(Readable.from(chunks), { type: 'application/json; charset=utf-8' });
  }

  @Post('proof-of-assets')
  @AuditorsOfAllClients()
  @ApiContract({
    summary: "Every custody key signs the auditor's challenge",
    description:
      'Through KMS, one signature per key of every custody wallet, with what the wallets held at the heights of ' +
      'the snapshot given (else at the chain tips now). Check with `strongroom assets verify`. 503 ' +
      '`proof_of_assets.unavailable` on an app that holds no custody keys (the ledger app alone). A key scoped to ' +
      'every client only.',
    body: assetsBody,
    responses: { 201: ProofOfAssetsWire },
    errors: [
      AuthErrors['auth.forbidden_client'],
      E['proof_of_assets.unavailable'],
      E['snapshot.not_found'],
      E['reconciliation.chain_changed'],
    ],
  })
  proveAssets(@ContractBody() b: z.infer<typeof assetsBody>) {
    return this.proofOfAssets.prove(b.challenge, b.snapshotId ?? null);
  }
}
