import type { z } from 'zod';
import { domainError, type ErrorEntry } from '@strongroom/shared-types';
import { HttpErrors } from './http.errors';

/** Parses input at the edge with a zod schema; failures become `request.invalid` problems. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  entry: ErrorEntry = HttpErrors['request.invalid'],
): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw domainError(entry, issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), { issues });
}
