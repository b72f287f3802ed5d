import { Controller, Delete, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthErrors, CurrentPrincipal, Roles, type Principal } from '@strongroom/api-auth';
import {
  ApiContract,
  ContractBody,
  ContractParams,
  ContractQuery,
  DocumentWebhooks,
  NoBody,
  page,
} from '@strongroom/shared-http';
import { domainError } from '@strongroom/shared-types';
import { z } from 'zod';
import { WebhookDispatcher, type DeliveryAttempt } from '../delivery/webhook-dispatcher';
import { WebhookLog, type OutboxEventView, type Page } from '../delivery/webhook-log';
import type { WebhookEndpoint, WebhookEndpointWithSecret } from '../endpoints/webhook-endpoint';
import { WebhookEndpoints } from '../endpoints/webhook-endpoints.service';
import { EventsErrors as E } from '../events.errors';
import { webhookEventContracts } from '../webhook-event-schemas';
import {
  CreateEndpoint,
  DEFAULT_OVERLAP_SECONDS,
  DeliveryWire,
  EndpointDeliveriesQuery,
  EndpointListQuery,
  EndpointParams,
  OutboxEventWire,
  ReplayParams,
  RotateSecret,
  UpdateEndpoint,
  WebhookEndpointSecretWire,
  WebhookEndpointWire,
} from './webhooks-wire';

const WHO =
  'Backend keys for the clients in their scope (another client: 403 `auth.forbidden_client` when named, 404 when ' +
  'its endpoint is named by id), admin for all; a deployment-wide endpoint (clientId null) needs a key of every client.';
const READERS = `${WHO} Auditors read within their scope.`;

/**
 * `/v1/webhooks/endpoints`: the webhook endpoints of a client, each with its URL, subscriptions
 * and own secret; its delivery log, test events and replays.
 */
@ApiTags('webhooks')
@DocumentWebhooks(webhookEventContracts)
@Controller('v1/webhooks/endpoints')
export class WebhookEndpointsController {
  constructor(
    @Inject(WebhookEndpoints) private readonly endpoints: WebhookEndpoints,
    @Inject(WebhookLog) private readonly log: WebhookLog,
    @Inject(WebhookDispatcher) private readonly dispatcher: WebhookDispatcher,
  ) {}

  @Roles('backend')
  @Post()
  @ApiContract({
    summary: 'Create a webhook endpoint',
    description:
      'Events of the client (or, with clientId null, events of no client) whose type matches `eventTypes` are ' +
      'delivered to `url` from now on, signed per Standard Webhooks with the endpoint’s own secret. 201 with the ' +
      `secret, in this answer only. The client must be registered and active. ${WHO} Audited.`,
    body: CreateEndpoint,
    responses: { 201: WebhookEndpointSecretWire },
    errors: [AuthErrors['auth.forbidden_client'], AuthErrors['client.not_found'], AuthErrors['client.suspended']],
  })
  create(
    @CurrentPrincipal() by: Principal,
    @ContractBody() input: z.infer<typeof CreateEndpoint>,
  ): Promise<WebhookEndpointWithSecret> {
    return this.endpoints.create(by, input);
  }

  @Roles('backend', 'auditor')
  @Get()
  @ApiContract({
    summary: 'List webhook endpoints',
    description: `Oldest first: the endpoints of the clients in the key’s scope, or of \`clientId\`. ${READERS}`,
    query: EndpointListQuery,
    responses: { 200: page(WebhookEndpointWire) },
    errors: [AuthErrors['auth.forbidden_client']],
  })
  list(
    @CurrentPrincipal() by: Principal,
    @ContractQuery() q: z.infer<typeof EndpointListQuery>,
  ): Promise<Page<WebhookEndpoint>> {
    return this.endpoints.list(by, q);
  }

  @Roles('backend', 'auditor')
  @Get(':id')
  @ApiContract({
    summary: 'One webhook endpoint (never its secret)',
    description: READERS,
    params: EndpointParams,
    responses: { 200: WebhookEndpointWire },
    errors: [E['webhook.endpoint_not_found']],
  })
  get(
    @CurrentPrincipal() by: Principal,
    @ContractParams() p: z.infer<typeof EndpointParams>,
  ): Promise<WebhookEndpoint> {
    return this.endpoints.get(by, p.id);
  }

  @Roles('backend')
  @Patch(':id')
  @ApiContract({
    summary: 'Change a webhook endpoint’s URL, subscriptions, description or enabled flag',
    description:
      'New subscriptions apply to events enqueued from now on. A disabled endpoint is sent nothing; what it was ' +
      `due keeps its order and goes out once it is enabled again. ${WHO} Audited.`,
    params: EndpointParams,
    body: UpdateEndpoint,
    responses: { 200: WebhookEndpointWire },
    errors: [E['webhook.endpoint_not_found']],
  })
  update(
    @CurrentPrincipal() by: Principal,
    @ContractParams() p: z.infer<typeof EndpointParams>,
    @ContractBody() change: z.infer<typeof UpdateEndpoint>,
  ): Promise<WebhookEndpoint> {
    return this.endpoints.update(by, p.id, change);
  }

  @Roles('backend')
  @Delete(':id')
  @HttpCode(204)
  @ApiContract({
    summary: 'Delete a webhook endpoint',
    description: `Its secrets are erased and what it was still due is dropped; its delivery log stays. ${WHO} Audited.`,
    params: EndpointParams,
    responses: { 204: null },
    errors: [E['webhook.endpoint_not_found']],
  })
  async remove(@CurrentPrincipal() by: Principal, @ContractParams() p: z.infer<typeof EndpointParams>): Promise<void> {
    await this.endpoints.remove(by, p.id);
  }

  @Roles('backend')
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiContract({
    summary: 'Rotate a webhook endpoint’s secret',
    description:
      'A new secret, in this answer only. For `overlapSeconds` (default a day, at most 7 days) every delivery ' +
      'carries two `v1,` signatures, with the new and with the previous secret, so the receiver can switch at ' +
      `any time in between; after it, only the new one signs. ${WHO} Audited.`,
    params: EndpointParams,
    body: RotateSecret.optional(),
    responses: { 200: WebhookEndpointSecretWire },
    errors: [E['webhook.endpoint_not_found']],
  })
  rotate(
    @CurrentPrincipal() by: Principal,
    @ContractParams() p: z.infer<typeof EndpointParams>,
    @ContractBody() input: z.infer<typeof RotateSecret> | undefined,
  ): Promise<WebhookEndpointWithSecret> {
    return this.endpoints.rotateSecret(by, p.id, input?.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS);
  }

  @Roles('backend')
  @Post(':id/test')
  @HttpCode(202)
  @ApiContract({
    summary: 'Send a test event to a webhook endpoint',
    description:
      'Enqueues a `webhook.test` event for this endpoint only (202 with the event); it is delivered like any ' +
      `other, and shows in the endpoint’s delivery log. A disabled endpoint: 409. ${WHO}`,
    params: EndpointParams,
    body: NoBody,
    responses: { 202: OutboxEventWire },
    errors: [E['webhook.endpoint_not_found'], E['webhook.endpoint_disabled']],
  })
  async test(
    @CurrentPrincipal() by: Principal,
    @ContractParams() p: z.infer<typeof EndpointParams>,
  ): Promise<OutboxEventView> {
    const event = await this.endpoints.sendTest(by, p.id);
    this.dispatcher.poke();
    const view = await this.log.event(event.id);
    if (!view) throw new Error(`event ${event.id} was enqueued but cannot be read back`);
    return view;
  }

  @Roles('backend', 'auditor')
  @Get(':id/deliveries')
  @ApiContract({
    summary: 'The delivery log of a webhook endpoint',
    description: `Every attempt, newest first: status, error, duration, whether it was a replay. ${READERS}`,
    params: EndpointParams,
    query: EndpointDeliveriesQuery,
    responses: { 200: page(DeliveryWire) },
    errors: [E['webhook.endpoint_not_found']],
  })
  async deliveries(
    @CurrentPrincipal() by: Principal,
    @ContractParams() p: z.infer<typeof EndpointParams>,
    @ContractQuery() q: z.infer<typeof EndpointDeliveriesQuery>,
  ): Promise<Page<DeliveryAttempt>> {
    await this.endpoints.get(by, p.id);
    return this.log.deliveries({ ...q, endpointId: p.id });
  }

  @Roles('backend')
  @Post(':id/events/:eventId/replay')
  @HttpCode(200)
  @ApiContract({
    summary: 'Re-send one event to a webhook endpoint now',
    description:
      'Same `webhook-id` and body as every earlier attempt, newly signed; answers the attempt (logged as a replay). ' +
      'Only an event that was routed to this endpoint (else 404 `webhook.event_not_found`); it may arrive after ' +
      `newer events of its subject. A disabled endpoint: 409. ${WHO}`,
    params: ReplayParams,
    body: NoBody,
    responses: { 200: DeliveryWire },
    errors: [E['webhook.endpoint_not_found'], E['webhook.endpoint_disabled'], E['webhook.event_not_found']],
  })
  async replay(
    @CurrentPrincipal() by: Principal,
    @ContractParams() p: z.infer<typeof ReplayParams>,
  ): Promise<DeliveryAttempt> {
    await this.endpoints.visibleEnabled(by, p.id);
    const attempt = await this.dispatcher.replay(p.id, p.eventId);
    if (!attempt)
      throw domainError(E['webhook.event_not_found'], `event ${p.eventId} was not routed to this endpoint`, {
        eventId: p.eventId,
      });
    return attempt;
  }
}
