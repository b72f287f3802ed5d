import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

const COMPONENT = '#/components/schemas/';

/**
 * Turns zod schemas into OpenAPI 3.1 schemas (JSON Schema 2020-12) and collects every schema with
 * a `meta({id})` as a named component. `input` describes what a request may send (defaults make
 * fields optional), `output` what an answer carries; `finish()` merges an input component into its
 * output namesake when they are the same, and names it `<id>Input` only when they differ.
 */
export class SchemaComponents {
  private readonly found: Record<string, JsonSchema> = {};

  toJson(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    delete json.$schema;
    const names = new Map(Object.keys(defs).map((id) => [id, io === 'input' ? `${id}${INPUT}` : id]));
    for (const [id, def] of Object.entries(defs)) this.found[names.get(id) as string] = rewrite(def, names);
    return rewrite(json, names);
  }

  /** The components, and a function that rewrites references in the document to their final names. */
  finish(): { schemas: Record<string, JsonSchema>; rename: (doc: unknown) => unknown } {
    const final = new Map<string, string>();
    for (const name of Object.keys(this.found)) {
      if (!name.endsWith(INPUT)) continue;
      const base = name.slice(0, -INPUT.length);
      const output = this.found[base];
      const same = output === undefined || JSON.stringify(output) === JSON.stringify(this.renameIn(name, base));
      final.set(name, same ? base : `${base}Input`);
    }
    const names = new Map([...final].map(([from, to]) => [from.slice(0, -INPUT.length), to]));
    const rename = (doc: unknown) => walk(doc, names, INPUT_REF);
    const schemas: Record<string, JsonSchema> = {};
    for (const [name, schema] of Object.entries(this.found))
      schemas[final.get(name) ?? name] = rename(schema) as JsonSchema;
    return { schemas, rename };
  }

  private renameIn(name: string, base: string): JsonSchema {
    return walk(this.found[name], new Map([[base, base]]), INPUT_REF) as JsonSchema;
  }
}

// Input components carry this marker until finish() names them.
const INPUT = '\u0000input';
const INPUT_REF = new RegExp(`^${COMPONENT.replace(/[/#]/g, '\\$&')}(.+)${INPUT}$`);

const DEFS_REF = /^#\/\$defs\/(.+)$/;

function rewrite(value: unknown, names: Map<string, string>): JsonSchema {
  return walk(value, names, DEFS_REF) as JsonSchema;
}

/** Copies `value`, pointing every `$ref` that `ref` matches at the component `names` gives its capture. */
function walk(value: unknown, names: Map<string, string>, ref: RegExp): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, names, ref));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const m = k === '$ref' && typeof v === 'string' ? ref.exec(v) : null;
    if (m) out[k] = COMPONENT + (names.get(m[1]) ?? m[1]);
    else out[k] = walk(v, names, ref);
  }
  return out;
}

/** Whether a request may leave the value out (optional or defaulted). */
export const isOptional = (schema: z.ZodType): boolean => schema.safeParse(undefined).success;

export const descriptionOf = (schema: z.ZodType): string | undefined =>
  (z.globalRegistry.get(schema) as { description?: string } | undefined)?.description;
