import { domainError } from '@strongroom/shared-types';
import { HttpErrors } from './http.errors';
import { pointerOf, textProblem } from './request-text';

const utf8 = new TextDecoder('utf-8', { fatal: true });

const malformed = (detail = 'the request body is not valid JSON') =>
  domainError(HttpErrors['request.malformed_json'], detail);

/**
 * Parses a request body the way every route may rely on: strict UTF-8, a JSON object or array at
 * the top, nested at most `maxDepth` levels, and every string and member name text (see
 * `textProblem`). Depth is measured on the text before `JSON.parse`, so a 10,000-level body costs
 * one linear scan and never reaches a recursive consumer (zod, canonical JSON, jsonb).
 */
export function parseJsonBody(bytes: Buffer, maxDepth: number): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw domainError(HttpErrors['request.invalid_utf8'], 'the request body is not valid UTF-8', { location: 'body' });
  }
  const first = /\S/.exec(text)?.[0];
  if (first !== '{' && first !== '[') throw malformed('the request body must be a JSON object or array');
  const depth = maxNesting(text);
  if (depth > maxDepth)
    throw domainError(HttpErrors['request.too_deep'], `the request body nests deeper than ${maxDepth} levels`, {
      maxDepth,
    });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed();
  }
  checkStrings(value);
  return value;
}

/** The deepest nesting of objects and arrays in JSON text (brackets inside strings do not count). */
export function maxNesting(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

interface Node {
  value: unknown;
  key: string | number | null;
  parent: Node | null;
}

const pathOf = (node: Node | null, last?: string): (string | number)[] => {
  const parts: (string | number)[] = last === undefined ? [] : [last];
  for (let n = node; n && n.key !== null; n = n.parent) parts.unshift(n.key);
  return parts;
};

/** Throws the first string or member name that is not acceptable text, naming its JSON Pointer. */
function checkStrings(root: unknown): void {
  // Iterative, with parent links: no path is built unless a string is refused.
  const stack: Node[] = [{ value: root, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    const value = node.value;
    if (typeof value === 'string') {
      if (textProblem(value, 'body')) throw textProblem(value, 'body', pointerOf(pathOf(node)));
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++)
        if (typeof value[i] === 'string' || (value[i] !== null && typeof value[i] === 'object'))
          stack.push({ value: value[i], key: i, parent: node });
    } else if (value !== null && typeof value === 'object') {
      for (const k of Object.keys(value)) {
        if (textProblem(k, 'body')) throw textProblem(k, 'body', pointerOf(pathOf(node, k)));
        const v = (value as Record<string, unknown>)[k];
        if (typeof v === 'string' || (v !== null && typeof v === 'object'))
          stack.push({ value: v, key: k, parent: node });
      }
    }
  }
}
