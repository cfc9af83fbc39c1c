import { visibleDataSource, type ApiHandler } from './api-call.js';
import { renderDataSource, renderPage } from './page-objects.js';
import { paginate } from './pagination.js';
import { compileFilter, sortPages } from './query-filter.js';

/** GET /v1/data_sources/:id: the schema. */
export const retrieveDataSource: ApiHandler = (ctx, { bot, params, version }) =>
  renderDataSource(ctx.content, visibleDataSource(ctx, bot, params[0]), version);

/** POST /v1/data_sources/:id/query: rows not in the trash, filtered, sorted and paged. */
export const queryDataSource: ApiHandler = (ctx, { bot, params, body, version }) => {
  const ds = visibleDataSource(ctx, bot, params[0]);
  const match = compileFilter(ctx.content, ds.properties, body.filter);
  const rows = [...ctx.content.pages.values()].filter(
    (p) => p.parent.type === 'data_source_id' && p.parent.dataSourceId === ds.id && !p.inTrash,
  );
  const sorted = sortPages(ctx.content, ds.properties, rows, body.sorts).filter(match);
  const page = paginate(sorted, body);
  return {
    object: 'list',
    results: page.results.map((p) => renderPage(ctx.content, p, version)),
    next_cursor: page.next_cursor,
    has_more: page.has_more,
    type: 'page_or_data_source',
    page_or_data_source: {},
  };
};
