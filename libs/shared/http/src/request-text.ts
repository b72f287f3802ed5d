import { domainError, type DomainError } from '@strongroom/shared-types';
import { HttpErrors } from './http.errors';

/** Where a refused piece of text was found. */
export type TextLocation = 'path' | 'query' | 'header' | 'body';

// NUL cannot be stored by PostgreSQL at all (text or jsonb), so it gets its own code.
const NUL = /\u0000/; // eslint-disable-line no-control-regex
// C0 controls except TAB, LF and CR; DEL; C1 controls (CSI U+009B starts terminal escapes too).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one (code units).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
// One cheap test that every acceptable string passes unless it holds astral characters (pairs).
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff]/;

/**
 * The one rule for text the platform lets through (path ids, query values, header values, every
 * JSON string and member name): well-formed Unicode, no NUL, no control characters other than
 * TAB, LF and CR. Returns the refusal, or null when the text is fine.
 */
export function textProblem(text: string, location: TextLocation, pointer?: string): DomainError | null {
  if (!SUSPECT.test(text)) return null;
  const where = pointer === undefined ? { location } : { location, pointer };
  const place = pointer === undefined ? `the ${location}` : `${location} field ${pointer}`;
  if (NUL.test(text))
    return domainError(HttpErrors['request.nul_character'], `${place} contains a NUL character (U+0000)`, where);
  if (LONE_SURROGATE.test(text))
    return domainError(
      HttpErrors['request.lone_surrogate'],
      `${place} contains a lone UTF-16 surrogate (not Unicode text)`,
      where,
    );
  if (CONTROL.test(text))
    return domainError(
      HttpErrors['request.control_character'],
      `${place} contains a control character other than tab, line feed or carriage return`,
      where,
    );
  return null;
}

/** A JSON Pointer for a problem body: bad characters of member names shown as U+FFFD, long names cut. */
export function pointerOf(parts: readonly (string | number)[]): string {
  const shown = parts.slice(0, 16).map((p) =>
    String(p)
      .slice(0, 64)
      .replace(LONE_SURROGATES, '\ufffd')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd')
      .replace(/~/g, '~0')
      .replace(/\//g, '~1'),
  );
  return `/${shown.join('/')}${parts.length > 16 ? '/…' : ''}`;
}
