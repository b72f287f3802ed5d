import { defineErrors } from '@strongroom/shared-types';

/** Refusals of the HTTP platform itself: what no route accepts, answered before or around routing. */
export const HttpErrors = defineErrors('http', {
  'request.invalid': {
    status: 400,
    title: 'Request does not match the schema',
    description: '`extra.issues` lists each failing field with its message.',
  },
  'request.malformed_json': { status: 400, title: 'Body is not valid JSON' },
  'request.invalid_utf8': { status: 400, title: 'Body is not valid UTF-8' },
  'request.too_deep': { status: 400, title: 'Body nests too deep', description: 'At most 32 levels by default.' },
  'request.too_large': { status: 413, title: 'Body too large', description: '`extra.limitBytes` gives the limit.' },
  'request.aborted': { status: 400, title: 'Body not received whole' },
  'request.malformed_url': { status: 400, title: 'Path or query has an invalid percent-encoding' },
  'request.nul_character': { status: 400, title: 'Text holds a NUL character' },
  'request.lone_surrogate': { status: 400, title: 'Text holds a lone UTF-16 surrogate' },
  'request.control_character': {
    status: 400,
    title: 'Text holds a control character',
    description: 'Tab, line feed and carriage return are the only control characters accepted.',
  },
  'request.invalid_text': { status: 400, title: 'Text the database cannot store' },
  'request.unsupported_encoding': { status: 415, title: 'Compressed body', description: 'Send it uncompressed.' },
  'request.unsupported_media_type': { status: 415, title: 'Body is not application/json' },
  'request.unsupported_charset': { status: 415, title: 'Body charset is not UTF-8' },
  'request.invalid_cursor': {
    status: 400,
    title: 'Cursor is not one this list returned',
    description: 'Pass back the `nextCursor` of the previous page of the same list, unchanged.',
  },
  'route.not_found': { status: 404, title: 'No such route' },
  'request.rate_limited': {
    status: 429,
    title: 'Too many requests for this API key',
    description:
      'Counted per API key (per client IP on public routes) over one minute. Nothing was done: retry the same request after `Retry-After` seconds (also `extra.retryAfterSeconds`).',
  },
  internal: {
    status: 500,
    title: 'Internal error',
    description: 'Logged with the request id; the detail never carries internals.',
  },
});
