import {
  APIErrorCode,
  Client,
  LogLevel,
  isFullDataSource,
  isFullPage,
  isNotionClientError,
  type Logger as NotionLogger,
} from '@notionhq/client';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { setNewest } from '../core/bounded-map.js';
import type { TokenGrant } from '../core/connection.js';
import { NotionRejectedError, OAuthExchangeFailedError, errorCode } from '../core/errors.js';
import type { NotionGateway, TableCandidate } from '../core/ports.js';
import { outboundFetch } from '../http/outbound-fetch.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics/metrics.js';
import { buildRowProperties, mapSchema, optionNames, richTextOf } from './map-properties.js';
import { translateNotionError, translateOAuthError } from './notion-errors.js';
import { BLOCKS_BYTES_MAX, batchBlocks, pageBodyBlocks } from './page-body.js';

/** Page titles (labels for same-named tables) are remembered this long, for this many pages. */
const PAGE_TITLE_TTL_MS = 10 * 60_000;
const PAGE_TITLES_KEPT = 10_000;

export interface NotionGatewayOptions {
  apiUrl: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Read at call time: the product may learn its public URL only once it listens. */
  redirectUri: () => string;
  log: Logger;
  /** Cap on how long the SDK waits for Retry-After before giving up (ms). */
  maxRetryDelayMs?: number;
  /** Told the status and duration of every HTTP request to Notion (the SDK's own retries included). */
  metrics?: Pick<Metrics, 'notionCall'> | undefined;
}

const uuidish = z.string().min(1).max(100);

/** Notion's token response (create-a-token / refresh-a-token OpenAPI), validated before anything is stored. */
const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.literal('bearer').optional(),
  refresh_token: z.string().min(1).nullable().optional(),
  bot_id: uuidish,
  workspace_id: uuidish,
  workspace_name: z.string().nullable().optional(),
  workspace_icon: z.string().nullable().optional(),
  owner: z
    .object({ type: z.string(), user: z.object({ id: z.string() }).passthrough().optional() })
    .passthrough()
    .optional(),
  duplicated_template_id: z.string().nullable().optional(),
});

const MAX_SEARCH_PAGES = 5;

/** Validates a token response before anything is stored. */
function toGrant(raw: unknown): TokenGrant {
  const parsed = tokenResponse.safeParse(raw);
  if (!parsed.success) throw new OAuthExchangeFailedError('Notion answered the token exchange with an unexpected body');
  const t = parsed.data;
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token ?? null,
    botId: t.bot_id,
    workspaceId: t.workspace_id,
    workspaceName: t.workspace_name ?? null,
    workspaceIcon: t.workspace_icon ?? null,
    ownerUserId: t.owner?.user?.id ?? null,
    duplicatedTemplateId: t.duplicated_template_id ?? null,
  };
}

const plainText = (items: { plain_text: string }[]) =>
  items
    .map((t) => t.plain_text)
    .join('')
    .trim();

/** A page's title as plain text (free-standing pages have one title property). */
function pageTitleOf(page: { properties: Record<string, { type: string }> }): string {
  const titleProp = Object.values(page.properties).find((p) => p.type === 'title') as
    { type: 'title'; title: { plain_text: string }[] } | undefined;
  return titleProp ? plainText(titleProp.title) : '';
}

const titleKey = (title: string) => title.trim().toLowerCase();

/** The Tweets table offered to users who shared a page but no table (issue: zero-config table). */
export const TWEETS_TABLE = {
  title: 'Tweets',
  mapping: {
    title: 'Handle',
    text: 'Tweet',
    link: 'Link',
    date: 'Saved',
    posted: 'Posted',
    author: 'Author',
    tags: 'Tags',
    note: 'Note',
    media: 'Media',
  },
} as const;

/**
 * Routes the SDK's own log lines into pino at debug level: every failure that matters is logged by
 * core with its event and domain code, so these are detail (paths and codes, never tokens).
 */
function sdkLogger(log: Logger): NotionLogger {
  return (_level, message, extraInfo) => log.debug({ sdk: 'notion', ...extraInfo }, message);
}

/** `fetch` that reports each request's status (or `error`: no answer) and duration. */
function timedFetch(metrics: Pick<Metrics, 'notionCall'>): typeof fetch {
  return async (input, init) => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1_000;
    let response: Response;
    try {
      response = await outboundFetch(input, init);
    } catch (err) {
      metrics.notionCall('error', seconds());
      throw err;
    }
    metrics.notionCall(response.status, seconds());
    return response;
  };
}

/** The NotionGateway on top of the real @notionhq/client (API 2025-09-03, data sources). */
export function createNotionGateway(options: NotionGatewayOptions): NotionGateway {
  const notion = new Client({
    baseUrl: options.apiUrl,
    logger: sdkLogger(options.log),
    logLevel: LogLevel.WARN,
    timeoutMs: 15_000,
    retry: { maxRetries: 2, maxRetryDelayMs: options.maxRetryDelayMs ?? 10_000 },
    fetch: options.metrics ? timedFetch(options.metrics) : outboundFetch,
  });

  // Saves run as jobs that the queue retries with its own backoff and the shared rate limiter: the SDK must not
  // retry their writes as well (a retried create that reached Notion is a second row), so they use a client without.
  const jobClient = new Client({
    baseUrl: options.apiUrl,
    logger: sdkLogger(options.log),
    logLevel: LogLevel.WARN,
    timeoutMs: 15_000,
    retry: false,
    fetch: options.metrics ? timedFetch(options.metrics) : outboundFetch,
  });

  function clientCredentials(): { client_id: string; client_secret: string } {
    if (!options.clientId || !options.clientSecret) {
      throw new OAuthExchangeFailedError('NOTION_CLIENT_ID and NOTION_CLIENT_SECRET are not configured');
    }
    return { client_id: options.clientId, client_secret: options.clientSecret };
  }

  async function call<T>(fn: () => Promise<T>, targetCall = false): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw translateNotionError(err, targetCall);
    }
  }

  const pageTitles = new Map<string, { title: string | undefined; at: number }>();

  /**
   * The title of a shared page, or undefined when Notion does not show it (the table is shared but
   * its page is not) or does not answer: a title is a label, never worth failing the caller for.
   * A refused token still throws, so the caller's access handling sees it.
   */
  async function pageTitle(accessToken: string, pageId: string): Promise<string | undefined> {
    // Per token (what one user may read) and page: listings with same-named tables ask again and again.
    const cacheKey = `${createHash('sha256').update(accessToken).digest('base64url').slice(0, 16)}:${pageId}`;
    const cached = pageTitles.get(cacheKey);
    if (cached && Date.now() - cached.at < PAGE_TITLE_TTL_MS) return cached.title;
    try {
      const page = await notion.pages.retrieve({ auth: accessToken, page_id: pageId });
      const title = isFullPage(page) && !page.in_trash ? pageTitleOf(page) || undefined : undefined;
      setNewest(pageTitles, cacheKey, { title, at: Date.now() }, PAGE_TITLES_KEPT);
      return title;
    } catch (err) {
      const translated = translateNotionError(err);
      if (translated.code === 'notion_access_revoked') throw translated;
      options.log.debug({ event: 'notion.page_title_unavailable', code: translated.code }, 'page title not readable');
      return undefined;
    }
  }

  /**
   * Gives tables whose title another shared table has too the title of the page they sit in, so
   * lists can tell them apart. Only those tables cost a call, one per page.
   */
  async function withParentTitles(accessToken: string, tables: TableCandidate[]): Promise<TableCandidate[]> {
    const counts = new Map<string, number>();
    for (const t of tables) counts.set(titleKey(t.title), (counts.get(titleKey(t.title)) ?? 0) + 1);
    const parents = new Set(
      tables.filter((t) => t.parentPageId && counts.get(titleKey(t.title))! > 1).map((t) => t.parentPageId!),
    );
    if (parents.size === 0) return tables;
    const titles = new Map<string, string | undefined>();
    for (const id of parents) titles.set(id, await pageTitle(accessToken, id));
    return tables.map((t) => {
      const parentTitle = t.parentPageId ? titles.get(t.parentPageId) : undefined;
      return parentTitle ? { ...t, parentTitle } : t;
    });
  }

  return {
    async exchangeCode(code) {
      try {
        return toGrant(
          await notion.oauth.token({
            ...clientCredentials(),
            grant_type: 'authorization_code',
            code,
            redirect_uri: options.redirectUri(),
          }),
        );
      } catch (err) {
        throw translateOAuthError(err);
      }
    },

    async refreshGrant(refreshToken) {
      try {
        return toGrant(
          await notion.oauth.token({
            ...clientCredentials(),
            grant_type: 'refresh_token',
            refresh_token: refreshToken,
          }),
        );
      } catch (err) {
        throw translateOAuthError(err);
      }
    },

    async revokeToken(accessToken) {
      await call(() => notion.oauth.revoke({ ...clientCredentials(), token: accessToken }));
    },

    async listTables(accessToken) {
      const tables: TableCandidate[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_SEARCH_PAGES; page++) {
        const res = await call(() =>
          notion.search({
            auth: accessToken,
            filter: { property: 'object', value: 'data_source' },
            page_size: 100,
            ...(cursor ? { start_cursor: cursor } : {}),
          }),
        );
        for (const found of res.results) {
          if (found.object !== 'data_source') continue;
          // Search may return partial objects; the schema then needs its own read.
          const result = isFullDataSource(found)
            ? found
            : await call(() => notion.dataSources.retrieve({ auth: accessToken, data_source_id: found.id }));
          if (!isFullDataSource(result) || result.in_trash) continue;
          const title = plainText(result.title) || 'Untitled';
          const mapped = mapSchema(result.properties);
          tables.push({
            dataSourceId: result.id,
            databaseId: result.parent.type === 'database_id' ? result.parent.database_id : undefined,
            parentPageId: result.database_parent?.type === 'page_id' ? result.database_parent.page_id : undefined,
            title,
            url: result.url,
            ...('mapping' in mapped ? { mapping: mapped.mapping } : { missing: mapped.missing }),
          });
        }
        if (!res.has_more || !res.next_cursor) break;
        cursor = res.next_cursor;
      }
      return withParentTitles(accessToken, tables);
    },

    async createRow(accessToken, target, row) {
      type CreateArgs = Parameters<typeof notion.pages.create>[0];
      const properties = buildRowProperties(target.mapping, row);
      // The body goes in the same call as far as Notion's limits allow (100 blocks, 500 KB); the rest is appended.
      const [first = [], ...rest] = batchBlocks(
        pageBodyBlocks(row.body ?? []),
        BLOCKS_BYTES_MAX - Buffer.byteLength(JSON.stringify(properties)),
      );
      const page = await call(
        () =>
          jobClient.pages.create({
            auth: accessToken,
            parent: { type: 'data_source_id', data_source_id: target.dataSourceId },
            properties: properties as CreateArgs['properties'],
            ...(first.length > 0 ? { children: first as CreateArgs['children'] } : {}),
          }),
        true,
      );
      const url = 'url' in page ? page.url : `https://www.notion.so/${page.id.replace(/-/g, '')}`;
      for (const [i, children] of rest.entries()) {
        try {
          await call(() =>
            notion.blocks.children.append({
              auth: accessToken,
              block_id: page.id,
              children: children as Parameters<typeof notion.blocks.children.append>[0]['children'],
            }),
          );
        } catch (err) {
          // The row exists: failing the save now would only make a second one. The rest of the body is missing.
          const code = errorCode(err);
          options.log.warn(
            { event: 'notion.body_append_failed', code, batch: i + 1, batches: rest.length },
            'could not append the rest of the page body',
          );
          break;
        }
      }
      return { pageId: page.id, url };
    },

    async updateRow(accessToken, pageId, mapping, update) {
      const properties: Record<string, unknown> = {};
      if (mapping.note && update.note !== undefined) properties[mapping.note] = { rich_text: richTextOf(update.note) };
      if (mapping.tags && update.tags !== undefined)
        properties[mapping.tags] = { multi_select: optionNames(update.tags).map((name) => ({ name })) };
      if (Object.keys(properties).length === 0) return;
      await call(
        () =>
          notion.pages.update({
            auth: accessToken,
            page_id: pageId,
            properties: properties as Parameters<typeof notion.pages.update>[0]['properties'],
          }),
        true,
      );
    },

    async findRowByTweet(accessToken, target, tweet, since) {
      const id = tweet.url ? /\/status(?:es)?\/(\d{1,25})/.exec(tweet.url)?.[1] : undefined;
      const { link, text } = target.mapping;
      let filter;
      if (link && tweet.url) filter = { property: link, url: { equals: tweet.url } };
      else if (id) filter = { property: text, rich_text: { contains: id } };
      else return undefined;
      // Notion rounds created_time to the minute: look a minute before `since`.
      const after = new Date(Date.parse(since) - 60_000).toISOString();
      const res = await call(
        () =>
          jobClient.dataSources.query({
            auth: accessToken,
            data_source_id: target.dataSourceId,
            filter: { and: [filter, { timestamp: 'created_time', created_time: { on_or_after: after } }] },
            sorts: [{ timestamp: 'created_time', direction: 'descending' }],
            page_size: 10,
          } as Parameters<typeof jobClient.dataSources.query>[0]),
        true,
      );
      const page = res.results.find((p) => isFullPage(p) && !p.in_trash);
      if (!page) return undefined;
      return { pageId: page.id, url: 'url' in page ? page.url : `https://www.notion.so/${page.id.replace(/-/g, '')}` };
    },

    async trashPage(accessToken, pageId) {
      try {
        const page = await notion.pages.retrieve({ auth: accessToken, page_id: pageId });
        if (isFullPage(page) && page.in_trash) return 'already_trashed';
        await notion.pages.update({ auth: accessToken, page_id: pageId, in_trash: true });
        return 'trashed';
      } catch (err) {
        if (isNotionClientError(err) && err.code === APIErrorCode.ObjectNotFound) return 'gone';
        throw translateNotionError(err);
      }
    },

    async canReadTable(accessToken, dataSourceId) {
      try {
        await notion.dataSources.retrieve({ auth: accessToken, data_source_id: dataSourceId });
        return true;
      } catch (err) {
        if (isNotionClientError(err) && err.code === APIErrorCode.ObjectNotFound) return false;
        throw translateNotionError(err);
      }
    },

    async listPages(accessToken) {
      const res = await call(() =>
        notion.search({ auth: accessToken, filter: { property: 'object', value: 'page' }, page_size: 100 }),
      );
      const pages: { id: string; title: string }[] = [];
      for (const page of res.results) {
        // Rows of tables are pages too; only free-standing pages can hold a new table.
        if (
          !isFullPage(page) ||
          page.in_trash ||
          page.parent.type === 'data_source_id' ||
          page.parent.type === 'database_id'
        )
          continue;
        pages.push({ id: page.id, title: pageTitleOf(page) || 'Untitled' });
      }
      return pages;
    },

    async createTweetsTable(accessToken, pageId) {
      const { mapping } = TWEETS_TABLE;
      const db = await call(() =>
        notion.databases.create({
          auth: accessToken,
          parent: { type: 'page_id', page_id: pageId },
          title: [{ type: 'text', text: { content: TWEETS_TABLE.title } }],
          initial_data_source: {
            properties: {
              [mapping.title]: { title: {} },
              [mapping.text]: { rich_text: {} },
              [mapping.link]: { url: {} },
              [mapping.date]: { date: {} },
              [mapping.posted]: { date: {} },
              [mapping.author]: { rich_text: {} },
              [mapping.tags]: { multi_select: { options: [] } },
              [mapping.note]: { rich_text: {} },
              [mapping.media]: { files: {} },
            },
          },
        }),
      );
      const dataSource = 'data_sources' in db ? db.data_sources[0] : undefined;
      if (!dataSource) throw new NotionRejectedError('Notion created the table without a data source');
      // For "Created a Tweets table in <page>": the button carried only the page id. Never an error
      // here: the table exists, and a retry of this call would create a second one.
      const parentTitle = await pageTitle(accessToken, pageId).catch(() => undefined);
      return {
        dataSourceId: dataSource.id,
        databaseId: db.id,
        title: TWEETS_TABLE.title,
        url: 'url' in db ? db.url : undefined,
        parentPageId: pageId,
        ...(parentTitle ? { parentTitle } : {}),
        mapping: { ...mapping },
      };
    },
  };
}
