import { RequestMethod, type INestApplicationContext } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { routeAccess, type RouteAccess } from './roles.decorator';

export interface RouteInfo {
  method: string;
  path: string;
  controller: string;
  handler: string;
  access: RouteAccess;
}

const join = (...parts: string[]): string =>
  `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
const asList = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : [typeof v === 'string' ? v : '']);

/**
 * Every route the app's controllers declare, with how each is protected (the same resolution
 * the guard applies at request time). Paths omit any global prefix.
 */
export function listRoutes(app: INestApplicationContext): RouteInfo[] {
  const scanner = new MetadataScanner();
  const seen = new Set<unknown>();
  const routes: RouteInfo[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller || seen.has(controller)) continue;
      seen.add(controller);
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(proto)) {
        const handler = proto[name];
        if (typeof handler !== 'function') continue;
        const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
        if (methodPath === undefined) continue;
        const verb = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod] ?? 'GET';
        const access = routeAccess(handler, controller);
        for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
          for (const sub of asList(methodPath)) {
            routes.push({ method: verb, path: join(base, sub), controller: controller.name, handler: name, access });
          }
        }
      }
    }
  }
  return routes;
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
