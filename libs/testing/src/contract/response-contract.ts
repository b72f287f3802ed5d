import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type OperationDoc = { responses?: Record<string, ResponseDoc>; 'x-strongroom-undocumented'?: boolean };
type Doc = { paths: Record<string, Record<string, OperationDoc>> };
type ResponseDoc = { content?: Record<string, { schema?: unknown }> };

export interface ContractViolation {
  method: string;
  path: string;
  status: number;
  problem: string;
}

/**
 * Checks answers against one API's OpenAPI document: the operation the request hit, a response
 * documented for its status, and the body valid against that response's schema. A request to a
 * path the document does not list is not this contract's business (the router answers it).
 */
export class ResponseContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: { method: string; template: string; pattern: RegExp }[] = [];

  constructor(private readonly doc: Doc) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc as object, 'openapi');
    for (const [template, ops] of Object.entries(doc.paths)) {
      const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^/}]+\}/g, '[^/]+')}$`);
      for (const method of Object.keys(ops)) this.routes.push({ method: method.toUpperCase(), template, pattern });
    }
  }

  /** Null when the answer keeps the contract (or the path is not in the document), else what broke. */
  check(method: string, pathname: string, status: number, contentType: string, body: string): ContractViolation | null {
    const route = this.routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(pathname));
    if (!route) return null;
    const fail = (problem: string): ContractViolation => ({ method, path: route.template, status, problem });
    const op = this.doc.paths[route.template][route.method.toLowerCase()];
    // A route without a contract yet: the document spec lists it, there is nothing to check against.
    if (op['x-strongroom-undocumented']) return null;
    const response = op.responses?.[String(status)];
    if (!response)
      return fail(`status ${status} is not documented (documented: ${Object.keys(op.responses ?? {}).join(', ')})`);
    const media = contentType.split(';')[0].trim();
    if (!response.content) return body === '' ? null : fail('a body where the document says none');
    if (!response.content[media]) return fail(`media type ${media || '(none)'} is not documented`);
    if (!/json$/.test(media)) return null;
    const validate = this.validator(route.template, route.method.toLowerCase(), String(status), media);
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return fail('the body is not JSON');
    }
    if (validate(value)) return null;
    const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    const code = (value as { code?: unknown } | null)?.code;
    const answered = typeof code === 'string' ? ` (answered code ${code}: document it in the route's contract)` : '';
    return fail(`body does not match the schema: ${errors.join('; ')}${answered}`);
  }

  private validator(template: string, method: string, status: string, media: string): ValidateFunction {
    const pointer = ['paths', template, method, 'responses', status, 'content', media, 'schema']
      .map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    const key = `openapi#/${pointer}`;
    let v = this.compiled.get(key);
    if (!v) {
      v = this.ajv.compile({ $ref: key });
      this.compiled.set(key, v);
    }
    return v;
  }
}
