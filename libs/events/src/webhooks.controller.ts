import { Controller, Get, HttpCode, Inject, Param, Post, Query, type Type } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { parseWith } from '@strongroom/shared-http';
import { domainError } from '@strongroom/shared-types';
import type { DeliveryAttempt } from './webhook-dispatcher';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookLog, type DeliveryView, type OutboxEventView } from './webhook-log';
import { EventsErrors } from './events.errors';

/** The role decorator of the app's auth layer (api-auth's `Roles`), passed in so this lib stays data-access. */
export type RolesDecorator = (
  ...roles: ('backend' | 'admin' | 'auditor' | 'approver')[]
) => MethodDecorator & ClassDecorator;

const page = {
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z
    .string()
    .regex(/^[0-9]{1,19}$/)
    .optional(),
};
const eventQuery = z.object({
  state: z.enum(['pending', 'delivered']).optional(),
  type: z.string().max(100).optional(),
  subject: z.string().max(300).optional(),
  ...page,
});
const deliveryQuery = z.object({
  eventId: z.string().max(100).optional(),
  ok: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  ...page,
});

/**
 * Builds the webhook API controller, guarded by the given role decorator: admin only. The outbox
 * holds every client's events, so a client-scoped key must not read or replay it (2026-12-02).
 */
export function webhooksController(roles: RolesDecorator): Type<unknown> {
  @ApiTags('webhooks')
  @Controller('v1/webhooks')
  @roles('admin')
  class WebhooksController {
    constructor(
      @Inject(WebhookLog) private readonly log: WebhookLog,
      @Inject(WebhookDispatcher) private readonly dispatcher: WebhookDispatcher | null,
    ) {}

    @Get('events')
    @ApiOperation({
      summary: 'Outbox events with their delivery state (filter by state, type, subject; page with after)',
    })
    async events(@Query() query: unknown): Promise<{ items: OutboxEventView[]; next: string | null }> {
      const q = parseWith(eventQuery, query);
      const items = await this.log.events(q);
      return { items, next: items.length === q.limit ? items[items.length - 1].seq : null };
    }

    @Get('deliveries')
    @ApiOperation({ summary: 'Delivery attempts, oldest first (filter by eventId, ok; page with after)' })
    async deliveries(@Query() query: unknown): Promise<{ items: DeliveryView[]; next: string | null }> {
      const q = parseWith(deliveryQuery, query);
      const items = await this.log.deliveries(q);
      return { items, next: items.length === q.limit ? items[items.length - 1].id : null };
    }

    @Post('events/:id/replay')
    @HttpCode(200)
    @ApiOperation({ summary: 'Re-sends one event now with its original id and body; returns the attempt' })
    async replay(@Param('id') id: string): Promise<DeliveryAttempt> {
      if (!this.dispatcher)
        throw domainError(EventsErrors['webhook.not_configured'], 'no webhook URL is configured for this deployment');
      return this.dispatcher.replay(id);
    }
  }
  return WebhooksController;
}
