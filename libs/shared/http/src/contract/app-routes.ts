import { RequestMethod, type INestApplicationContext } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';

/** One route an app serves, with the classes and function that answer it. */
export interface AppRoute {
  method: string;
  /** Nest's path, e.g. `/v1/withdrawals/:id`. */
  path: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  controller: Function;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  handler: Function;
  handlerName: string;
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : [typeof v === 'string' ? v : '']);
const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/** Every route of the app's controllers, enumerated from Nest's own metadata (as the router sees them). */
export function appRoutes(app: INestApplicationContext): AppRoute[] {
  const scanner = new MetadataScanner();
  const seen = new Set<unknown>();
  const routes: AppRoute[] = [];
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
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod] ?? 'GET';
        for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller)))
          for (const sub of asList(methodPath))
            routes.push({ method, path: join(base, sub), controller, handler, handlerName: name });
      }
    }
  }
  return routes;
}
