import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '@strongroom/api-auth';
import { ApiContract, ContractQuery, page } from '@strongroom/shared-http';
import type { z } from 'zod';
import type { DeliveryAttempt } from '../delivery/webhook-dispatcher';
import { WebhookLog, type OutboxEventView, type Page } from '../delivery/webhook-log';
import { DeliveryListQuery, DeliveryWire, EventListQuery, OutboxEventWire } from './webhooks-wire';

/**
 * The outbox and the delivery log of every endpoint: admin only. They hold every client's events,
 * so a client-scoped key reads its own endpoints' logs under `/v1/webhooks/endpoints/:id` instead.
 */
@ApiTags('webhooks')
@Roles('admin')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(@Inject(WebhookLog) private readonly log: WebhookLog) {}

  @Get('events')
  @ApiContract({
    summary: 'Outbox events with their delivery state',
    description:
      'Oldest first (outbox order), filtered by state (pending, delivered, unrouted), type, subject and clientId; ' +
      'each with how many endpoints still have to receive it and how many have. Admin only.',
    query: EventListQuery,
    responses: { 200: page(OutboxEventWire) },
  })
  events(@ContractQuery() q: z.infer<typeof EventListQuery>): Promise<Page<OutboxEventView>> {
    return this.log.events(q);
  }

  @Get('deliveries')
  @ApiContract({
    summary: 'Delivery attempts to every endpoint',
    description: 'Newest first, filtered by endpointId, eventId and ok. Admin only.',
    query: DeliveryListQuery,
    responses: { 200: page(DeliveryWire) },
  })
  deliveries(@ContractQuery() q: z.infer<typeof DeliveryListQuery>): Promise<Page<DeliveryAttempt>> {
    return this.log.deliveries(q);
  }
}
