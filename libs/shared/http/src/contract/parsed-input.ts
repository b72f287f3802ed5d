import type { Request } from 'express';

const PARSED = Symbol('strongroom:contract-input');
export type InputPart = 'body' | 'query' | 'params';
type Parsed = Partial<Record<InputPart, unknown>>;
type WithParsed = Request & { [PARSED]?: Parsed };

/** Keeps what the contract interceptor parsed on the request, for the `@Contract…()` parameters. */
export function storeParsed(req: Request, parsed: Parsed): void {
  (req as WithParsed)[PARSED] = parsed;
}

/** What the interceptor parsed for this request, if it ran. */
export function parsedInput(req: Request, part: InputPart): { value: unknown } | undefined {
  const parsed = (req as WithParsed)[PARSED];
  return parsed && part in parsed ? { value: parsed[part] } : undefined;
}
