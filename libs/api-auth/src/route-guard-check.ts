import type { INestApplicationContext } from '@nestjs/common';
import { appRoutes } from '@strongroom/shared-http';
import { routeAccess, type RouteAccess } from './roles.decorator';

export interface RouteInfo {
  method: string;
  path: string;
  controller: string;
  handler: string;
  access: RouteAccess;
}

/**
 * Every route the app's controllers declare, with how each is protected (the same resolution
 * the guard applies at request time). Paths omit any global prefix.
 */
export function listRoutes(app: INestApplicationContext): RouteInfo[] {
  return appRoutes(app).map((r) => ({
    method: r.method,
    path: r.path,
    controller: r.controller.name,
    handler: r.handlerName,
    access: routeAccess(r.handler, r.controller),
  }));
}

/**
 * Throws, listing them, if any route is neither `@Public()` nor `@Roles(...)`; returns the routes
 * otherwise. Each app's test calls it so an unguarded route fails the build, not production
 * (where the guard would refuse it with `auth.route_unguarded`).
 */
export function assertAllRoutesGuarded(app: INestApplicationContext): RouteInfo[] {
  const routes = listRoutes(app);
  const unguarded = routes.filter((r) => r.access.kind === 'unguarded');
  if (unguarded.length > 0) {
    const lines = unguarded.map((r) => `  ${r.method} ${r.path} (${r.controller}.${r.handler})`);
    throw new Error(`routes without @Roles(...) or @Public():\n${lines.join('\n')}`);
  }
  return routes;
}
