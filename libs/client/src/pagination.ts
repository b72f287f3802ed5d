import { unwrap, type FetchResult } from './problem-error';

/** Every list of the Strongroom APIs answers one page in this envelope. */
export interface Page<T> {
  data: T[];
  /** Pass as `cursor` to get the next page; null on the last one. */
  nextCursor: string | null;
}

/** Fetches the page at `cursor` (undefined: the first). May return the page or openapi-fetch's result. */
export type PageFetcher<T> = (cursor: string | undefined) => Promise<Page<T> | FetchResult<Page<T>>>;

const isFetchResult = <T>(v: Page<T> | FetchResult<Page<T>>): v is FetchResult<Page<T>> =>
  typeof v === 'object' && v !== null && 'response' in v && v.response instanceof Response;

/**
 * Yields whole pages, following `nextCursor` until it is null. A refused page throws its
 * StrongroomProblemError; a cursor the server already gave once throws (it would loop forever).
 */
export async function* pages<T>(fetchPage: PageFetcher<T>): AsyncGenerator<Page<T>, void, undefined> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const answer = await fetchPage(cursor);
    const page = isFetchResult(answer) ? await unwrap(answer) : answer;
    if (!page || !Array.isArray(page.data)) throw new TypeError('a list page must be { data: [...], nextCursor }');
    yield page;
    if (page.nextCursor === null || page.nextCursor === undefined) return;
    if (seen.has(page.nextCursor)) throw new Error(`the list returned cursor ${page.nextCursor} twice`);
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}

/**
 * Yields every item across pages, fetching the next page only when the caller gets there:
 *
 *   for await (const w of paginate((cursor) => api.GET('/v1/withdrawals', { params: { query: { clientId, cursor } } })))
 */
export async function* paginate<T>(fetchPage: PageFetcher<T>): AsyncGenerator<T, void, undefined> {
  for await (const page of pages(fetchPage)) yield* page.data;
}
