import type { INestApplicationContext } from '@nestjs/common';
import type { ErrorEntry } from '@strongroom/shared-types';
import { IS_PUBLIC } from '../public.decorator';
import { appRoutes, type AppRoute } from './app-routes';
import {
  CONTRACT_WEBHOOKS,
  contractNotesOf,
  contractOf,
  type OperationContract,
  type WebhookContract,
} from './api-contract';
import { errorResponses, platformErrors } from './error-responses';
import { descriptionOf, isOptional, SchemaComponents, type JsonSchema } from './json-schema';
import { SECURITY_SCHEMES, SIGNED } from './security';
import { ProblemSchema } from './wire-schemas';

export interface DocumentInfo {
  title: string;
  description: string;
  /** Where the API answers, e.g. `http://127.0.0.1:7003`. */
  serverUrl: string;
}

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, JsonSchema>> };

// Where @nestjs/swagger's @ApiTags keeps a controller's tags (its package exports no constant for it).
const API_TAGS = 'swagger/apiUseTags';
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const templated = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * The OpenAPI 3.1 document of an app, generated from the routes Nest serves and the contract each
 * declares: the same zod schemas that parse a request describe it, so the two cannot disagree.
 * A route without a contract is listed with `x-strongroom-undocumented` (the contract spec fails on it).
 */
export function buildOpenApiDocument(app: INestApplicationContext, info: DocumentInfo): OpenApiDocument {
  const components = new SchemaComponents();
  const problem = components.toJson(ProblemSchema, 'output');
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();
  const routes = appRoutes(app);
  const webhooks = webhooksOf(routes, components);
  for (const route of routes) {
    const op = operationOf(app, route, components, problem);
    for (const tag of (op.tags as string[] | undefined) ?? []) tags.add(tag);
    (paths[templated(route.path)] ??= {})[route.method.toLowerCase()] = op;
  }
  const { schemas, rename } = components.finish();
  return rename({
    openapi: '3.1.0',
    info: {
      title: info.title,
      description: info.description,
      version: 'v1',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      contact: { name: 'Strongroom maintainers' },
    },
    servers: [{ url: info.serverUrl, description: 'this instance' }],
    tags: [...tags].sort().map((name) => ({ name, description: `Operations on ${name}.` })),
    paths,
    ...(Object.keys(webhooks).length > 0 ? { webhooks } : {}),
    components: {
      schemas,
      securitySchemes: SECURITY_SCHEMES,
      headers: {
        RequestId: {
          description: 'The caller’s X-Request-Id when acceptable, else a new UUID; also in logs and problems.',
          schema: { type: 'string' },
        },
        RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } },
      },
    },
  }) as OpenApiDocument;
}

function operationOf(
  app: INestApplicationContext,
  route: AppRoute,
  components: SchemaComponents,
  problem: JsonSchema,
): JsonSchema {
  const contract = contractOf(route.handler);
  const isPublic = [route.handler, route.controller].some((t) => Reflect.getMetadata(IS_PUBLIC, t) === true);
  const notes = [contractNotesOf(route.controller), contractNotesOf(route.handler)];
  const tags = (Reflect.getMetadata(API_TAGS, route.controller) as string[] | undefined) ?? [];
  const operationId =
    contract?.operationId ??
    lowerFirst(route.controller.name.replace(/Controller$/, '')) + upperFirst(route.handlerName);
  const errors: ErrorEntry[] = [
    ...(contract ? platformErrors(contract) : []),
    ...notes.flatMap((n) => (isPublic ? [] : n.errors)),
    ...(contract?.errors ?? []),
    // The document is built on the first request, after every module's onModuleInit registered its parts.
    ...(contract?.appErrors?.(app) ?? []),
  ];
  return {
    operationId,
    summary: contract?.summary ?? `${route.method} ${route.path}`,
    ...(contract?.description ? { description: contract.description } : {}),
    tags,
    ...Object.assign({}, ...notes.map((n) => n.extensions)),
    ...(contract ? {} : { 'x-strongroom-undocumented': true }),
    security: isPublic ? [] : [SIGNED],
    parameters: parametersOf(route, contract, components),
    ...(contract?.body ? { requestBody: bodyOf(contract, components) } : {}),
    responses: {
      ...successResponses(contract, components),
      ...errorResponses(errors, problem),
    },
  };
}

function parametersOf(route: AppRoute, contract: OperationContract | undefined, components: SchemaComponents) {
  const pathNames = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  const params = contract?.params?.shape ?? {};
  const path = pathNames.map((name) => ({
    name,
    in: 'path',
    required: true,
    ...(params[name] && descriptionOf(params[name]) ? { description: descriptionOf(params[name]) } : {}),
    schema: params[name] ? components.toJson(params[name], 'input') : { type: 'string' },
  }));
  const query = Object.entries(contract?.query?.shape ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: !isOptional(schema),
    ...(descriptionOf(schema) ? { description: descriptionOf(schema) } : {}),
    schema: components.toJson(schema, 'input'),
  }));
  const headers = (contract?.headers ?? []).map((h) => ({
    name: h.name,
    in: 'header',
    required: h.required,
    description: h.description,
    schema: components.toJson(h.schema, 'input'),
  }));
  return [...path, ...query, ...headers];
}

function bodyOf(contract: OperationContract, components: SchemaComponents): JsonSchema {
  const body = contract.body as NonNullable<OperationContract['body']>;
  return {
    required: !isOptional(body),
    content: { 'application/json': { schema: components.toJson(body, 'input') } },
  };
}

const JSON_MEDIA = 'application/json';
const DESCRIPTIONS: Record<string, string> = { '201': 'Created', '204': 'No content', '503': 'Not ready' };

function successResponses(contract: OperationContract | undefined, components: SchemaComponents) {
  const out: Record<string, JsonSchema> = {};
  const headers = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
  for (const [status, schema] of Object.entries(contract?.responses ?? { 200: undefined })) {
    out[status] = {
      description: (schema ? descriptionOf(schema) : undefined) ?? DESCRIPTIONS[status] ?? 'OK',
      headers,
      ...(schema
        ? { content: { [contract?.produces ?? JSON_MEDIA]: { schema: components.toJson(schema, 'output') } } }
        : {}),
    };
  }
  return out;
}

const WEBHOOK_HEADERS = [
  ['webhook-id', 'The event id: the same on every retry and replay (deduplicate on it).'],
  ['webhook-timestamp', 'Unix seconds when this attempt was signed.'],
  ['webhook-signature', 'Space-separated `v1,<base64 HMAC-SHA256>` signatures (two during a secret rotation).'],
] as const;

/** The `webhooks` section: each event the app's controllers declare, as the POST an endpoint receives. */
function webhooksOf(routes: AppRoute[], components: SchemaComponents): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const controller of new Set(routes.map((r) => r.controller))) {
    const events = Reflect.getMetadata(CONTRACT_WEBHOOKS, controller) as Record<string, WebhookContract> | undefined;
    for (const [type, event] of Object.entries(events ?? {})) {
      out[type] = {
        post: {
          operationId: `webhook_${type.replace(/[^A-Za-z0-9]+/g, '_')}`,
          summary: event.summary,
          description: event.description ?? event.summary,
          tags: ['webhooks'],
          security: [],
          parameters: WEBHOOK_HEADERS.map(([name, description]) => ({
            name,
            in: 'header',
            required: true,
            description,
            schema: { type: 'string' },
          })),
          requestBody: {
            required: true,
            content: { 'application/json': { schema: components.toJson(event.body, 'output') } },
          },
          responses: {
            '200': { description: 'Any 2xx: delivered. Anything else (or no answer in time): retried with backoff.' },
          },
        },
      };
    }
  }
  return out;
}
