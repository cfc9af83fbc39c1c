import { validationError } from './errors.js';

/** Reads `page_size` (1..100, default 100) the way the real validator words its errors. */
export function pageSize(raw: unknown, path = 'body.page_size'): number {
  if (raw === undefined) return 100;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > 100) {
    throw validationError(
      `body failed validation: ${path} should be an integer between 1 and 100, instead was \`${JSON.stringify(raw)}\`.`,
    );
  }
  return raw;
}

/** One page of a list. Cursors are the id of the first item of the next page, as Notion's look. */
export function paginate<T extends { id: string }>(
  items: readonly T[],
  body: Record<string, unknown>,
): { results: T[]; next_cursor: string | null; has_more: boolean } {
  const size = pageSize(body.page_size);
  let start = 0;
  if (body.start_cursor !== undefined && body.start_cursor !== null) {
    start = items.findIndex((i) => i.id === body.start_cursor);
    if (start < 0) throw validationError(`start_cursor provided is invalid: ${JSON.stringify(body.start_cursor)}`);
  }
  const results = items.slice(start, start + size);
  const next = items[start + size];
  return { results, next_cursor: next?.id ?? null, has_more: next !== undefined };
}
