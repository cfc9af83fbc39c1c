import { inTrash, type ApiHandler } from './api-call.js';
import { bodyValidationError } from './errors.js';
import { isRecord } from './http-io.js';
import { renderDataSource, renderPage } from './page-objects.js';
import { paginate } from './pagination.js';
import { plainText } from './rich-text.js';

interface Hit {
  id: string;
  kind: 'page' | 'data_source';
  title: string;
}

function readFilter(filter: unknown): 'page' | 'data_source' | null {
  if (filter === undefined) return null;
  if (!isRecord(filter)) throw bodyValidationError('body.filter', 'should be an object');
  if (filter.property !== 'object')
    throw bodyValidationError(
      'body.filter.property',
      `should be \`"object"\`, instead was \`${JSON.stringify(filter.property)}\``,
    );
  // 2025-09-03 replaced "database" with "data_source"; the real API rejects the old value.
  if (filter.value !== 'page' && filter.value !== 'data_source') {
    throw bodyValidationError(
      'body.filter.value',
      `should be either \`"page"\` or \`"data_source"\`, instead was \`${JSON.stringify(filter.value)}\``,
    );
  }
  return filter.value;
}

function readSort(sort: unknown): 1 | -1 {
  if (sort === undefined) return -1;
  if (!isRecord(sort)) throw bodyValidationError('body.sort', 'should be an object');
  if (sort.timestamp !== 'last_edited_time')
    throw bodyValidationError('body.sort.timestamp', 'should be `"last_edited_time"`');
  if (sort.direction !== 'ascending' && sort.direction !== 'descending')
    throw bodyValidationError('body.sort.direction', 'should be `"ascending"` or `"descending"`');
  return sort.direction === 'ascending' ? 1 : -1;
}

/** POST /v1/search: shared pages and data sources whose title contains `query`, most recently edited first. */
export const search: ApiHandler = (ctx, { bot, body, version }) => {
  if (body.query !== undefined && typeof body.query !== 'string')
    throw bodyValidationError('body.query', 'should be a string');
  const only = readFilter(body.filter);
  const direction = readSort(body.sort);
  const query = (body.query ?? '').toLowerCase();
  const hits: Hit[] = [];
  if (only !== 'page') {
    for (const ds of ctx.content.dataSources.values()) {
      if (ctx.grants.canSee(bot, ds.id) && !inTrash(ctx, ds.id))
        hits.push({ id: ds.id, kind: 'data_source', title: plainText(ds.title) });
    }
  }
  if (only !== 'data_source') {
    for (const page of ctx.content.pages.values()) {
      if (ctx.grants.canSee(bot, page.id) && !inTrash(ctx, page.id))
        hits.push({ id: page.id, kind: 'page', title: ctx.content.pageTitle(page) });
    }
  }
  const edited = (h: Hit) => ctx.content.editOrder.get(h.id) ?? 0;
  const ordered = hits
    .filter((h) => h.title.toLowerCase().includes(query))
    .sort((a, b) => (edited(a) - edited(b)) * direction);
  const page = paginate(ordered, body);
  return {
    object: 'list',
    results: page.results.map((h) =>
      h.kind === 'page'
        ? renderPage(ctx.content, ctx.content.pages.get(h.id)!, version)
        : renderDataSource(ctx.content, ctx.content.dataSource(h.id), version),
    ),
    next_cursor: page.next_cursor,
    has_more: page.has_more,
    type: 'page_or_data_source',
    page_or_data_source: {},
  };
};
