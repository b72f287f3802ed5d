import { createParamDecorator, SetMetadata, type ExecutionContext, type INestApplicationContext } from '@nestjs/common';
import type { Request } from 'express';
import type { z } from 'zod';
import type { ErrorEntry } from '@strongroom/shared-types';
import { parseWith } from '../validate';
import { parsedInput } from './parsed-input';

/**
 * Statuses an operation answers with a body of its own (204: none, declared as `null`). 503 is for
 * readiness reports, the one non-problem answer that is not a success.
 */
export type AnswerStatus = 200 | 201 | 202 | 204 | 503;

export interface HeaderContract {
  name: string;
  required: boolean;
  description: string;
  schema: z.ZodType;
}

/**
 * One operation of an API, declared once beside its handler: the OpenAPI document is generated
 * from it and the handler's `@ContractBody()`, `@ContractQuery()` and `@ContractParams()` are
 * parsed with the same schemas, so the document cannot drift from what the code accepts.
 */
export interface OperationContract {
  summary: string;
  /** What it does, who may call it and what its answers mean (generated clients show it). */
  description: string;
  /** Stable name for generated clients; default `<controller><Handler>` (e.g. `withdrawalsRequest`). */
  operationId?: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  headers?: HeaderContract[];
  /** What each success status carries (response schemas describe the JSON on the wire). */
  responses: Partial<Record<AnswerStatus, z.ZodType | null>>;
  /** Media type of the answers in `responses` (default application/json). */
  produces?: string;
  /** The route's own refusals; platform, validation and authentication refusals are added for it. */
  errors?: readonly ErrorEntry[];
  /** Refusals known only once the app is assembled (e.g. what the change handlers registered in it answer). */
  appErrors?: (app: INestApplicationContext) => readonly ErrorEntry[];
}

export const CONTRACT = 'strongroom:contract';
export const CONTRACT_NOTES = 'strongroom:contract-notes';

/** What other decorators add to an operation's document (e.g. the auth layer's refusals and roles). */
export interface ContractNotes {
  errors: readonly ErrorEntry[];
  extensions: Record<string, unknown>;
}

export const ApiContract = (contract: OperationContract): MethodDecorator => SetMetadata(CONTRACT, contract);

/** Adds refusals and `x-` extensions to the document of a route (or every route of a controller). */
export function DocumentNotes(notes: Partial<ContractNotes>): MethodDecorator & ClassDecorator {
  return ((target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const on = (descriptor?.value ?? target) as object;
    const prior = contractNotesOf(on);
    const merged: ContractNotes = {
      errors: [...prior.errors, ...(notes.errors ?? [])],
      extensions: { ...prior.extensions, ...notes.extensions },
    };
    Reflect.defineMetadata(CONTRACT_NOTES, merged, on);
  }) as MethodDecorator & ClassDecorator;
}

export function contractOf(handler: object): OperationContract | undefined {
  return Reflect.getMetadata(CONTRACT, handler) as OperationContract | undefined;
}

export function contractNotesOf(target: object): ContractNotes {
  return (Reflect.getMetadata(CONTRACT_NOTES, target) as ContractNotes | undefined) ?? { errors: [], extensions: {} };
}

function read(ctx: ExecutionContext, part: 'body' | 'query' | 'params'): unknown {
  const req = ctx.switchToHttp().getRequest<Request>();
  const parsed = parsedInput(req, part);
  if (parsed) return parsed.value;
  const schema = contractOf(ctx.getHandler())?.[part];
  // A programming error, caught by the contract spec of every app: never a caller's fault.
  if (!schema) throw new Error(`${ctx.getClass().name}.${ctx.getHandler().name} reads its ${part} without a contract`);
  const raw = part === 'body' ? ((req.body as unknown) ?? {}) : req[part];
  return parseWith(schema, raw);
}

/** The request body parsed with the operation's `body` schema (an absent body is parsed as `{}`). */
export const ContractBody = createParamDecorator((_: unknown, ctx: ExecutionContext) => read(ctx, 'body'));

/** The query string parsed with the operation's `query` schema. */
export const ContractQuery = createParamDecorator((_: unknown, ctx: ExecutionContext) => read(ctx, 'query'));

/** The path parameters parsed with the operation's `params` schema. */
export const ContractParams = createParamDecorator((_: unknown, ctx: ExecutionContext) => read(ctx, 'params'));

export const CONTRACT_WEBHOOKS = 'strongroom:contract-webhooks';

/** One event the API delivers to webhook endpoints: what it means and the JSON body it is sent with. */
export interface WebhookContract {
  summary: string;
  description?: string;
  body: z.ZodType;
}

/** Puts the events a controller's API delivers into the document's `webhooks` section. */
export const DocumentWebhooks = (events: Record<string, WebhookContract>): ClassDecorator =>
  SetMetadata(CONTRACT_WEBHOOKS, events);
