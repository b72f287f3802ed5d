import type { OpenAPI3, ParameterObject, ReferenceObject } from 'openapi-typescript';

const IDEMPOTENCY_KEY = 'idempotency-key';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Parameter = ParameterObject | ReferenceObject;

function resolve(doc: OpenAPI3, p: Parameter): ParameterObject | undefined {
  if (!('$ref' in p)) return p;
  const name = p.$ref.replace('#/components/parameters/', '');
  const found = doc.components?.parameters?.[name];
  return found && !('$ref' in found) ? found : undefined;
}

/**
 * The operations declaring an Idempotency-Key header, as `METHOD /path`, and a copy of the document
 * in which that header is optional: the client adds one to every call that does not set its own.
 */
export function idempotentOperations(doc: OpenAPI3): { operations: string[]; forTypes: OpenAPI3 } {
  const forTypes = structuredClone(doc);
  const operations: string[] = [];
  for (const [route, item] of Object.entries(forTypes.paths ?? {})) {
    if (!item || '$ref' in item) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!op || '$ref' in op || !op.parameters) continue;
      const key = op.parameters.findIndex((p: Parameter) => {
        const r = resolve(forTypes, p);
        return r?.in === 'header' && r.name.toLowerCase() === IDEMPOTENCY_KEY;
      });
      if (key < 0) continue;
      operations.push(`${method.toUpperCase()} ${route}`);
      op.parameters[key] = { ...(resolve(forTypes, op.parameters[key]) as ParameterObject), required: false };
    }
  }
  return { operations: operations.sort(), forTypes };
}
