import { Controller, Get, Header, Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiContract } from './contract/api-contract';
import { SkipThrottle } from '@nestjs/throttler';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { Public } from './public.decorator';

/** One registry per process; apps and libs register their own metrics on it. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpDuration = new Histogram({
  name: 'strongroom_http_request_duration_seconds',
  help: 'HTTP request duration by app, method, route and status',
  labelNames: ['app', 'method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

/** Requests the platform refused before routing (bad text, media type, size, depth): counted, not logged. */
export const httpRefused = new Counter({
  name: 'strongroom_http_refused_total',
  help: 'Requests refused before routing and authentication, by app and problem code',
  labelNames: ['app', 'code'] as const,
  registers: [metricsRegistry],
});

/** Injection token of the app's short name (the `app` label of its metrics). */
export const APP_NAME = Symbol('APP_NAME');

/** Times every request under its own app's label (one process may host several apps). */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(@Inject(APP_NAME) private readonly app: string) {}
  use(req: Request, res: Response, next: NextFunction): void {
    const end = httpDuration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      end({ app: this.app, method: req.method, route: `${req.baseUrl}${route}`, status: String(res.statusCode) });
    });
    next();
  }
}

/** `GET /metrics` in Prometheus text format: operational counters only, no balances or ids. */
@ApiTags('operations')
@SkipThrottle()
@Controller()
export class MetricsController {
  @Public()
  @Get('metrics')
  @ApiContract({
    summary: 'Prometheus metrics',
    description: 'The process’s metrics in the Prometheus text format (strongroom_* and the Node.js defaults).',
    responses: { 200: z.string() },
    produces: 'text/plain',
  })
  @Header('Content-Type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
