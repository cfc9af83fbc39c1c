import { APIResponseError } from '@notionhq/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { CLIENT_ID, CLIENT_SECRET, connect, notion, rawApi, REDIRECT_URI } from './notion-test-helpers.js';

const TWEET_PROPS = {
  Name: 'title',
  URL: 'url',
  Author: 'rich_text',
  Saved: 'date',
  Done: 'checkbox',
  Created: 'created_time',
};

function titleOf(text: string) {
  return { title: [{ text: { content: text } }] };
}

describe('notion sandbox: API', () => {
  let sandbox: NotionSandbox;
  let wsId: string;
  let shared: { databaseId: string; dataSourceId: string };
  let other: { databaseId: string; dataSourceId: string };
  let sharedPageId: string;
  let privatePageId: string;
  let token: string;

  beforeAll(async () => {
    sandbox = await startNotionSandbox({
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
    });
    wsId = sandbox.addWorkspace({ name: 'Main' }).id;
    shared = sandbox.addTable(wsId, { title: 'Tweets', properties: TWEET_PROPS });
    other = sandbox.addTable(wsId, { title: 'Private tweets', properties: { Name: 'title' } });
    sharedPageId = sandbox.addPage(wsId, { title: 'Projects' }).pageId;
    privatePageId = sandbox.addPage(wsId, { title: 'Diary' }).pageId;
    const foreign = sandbox.addWorkspace({ name: 'Elsewhere' }).id;
    sandbox.addTable(foreign, { title: 'Tweets elsewhere', properties: { Name: 'title' } });
    await connect(sandbox, foreign);
    token = (await connect(sandbox, wsId, [shared.dataSourceId, sharedPageId])).access_token;
  });
  afterAll(() => sandbox.close());

  const api = () => notion(sandbox, token);

  describe('search and retrieval', () => {
    it('returns only the data sources shared with this token', async () => {
      const res = await api().search({ filter: { property: 'object', value: 'data_source' } });
      expect(res).toMatchObject({ object: 'list', type: 'page_or_data_source', has_more: false, next_cursor: null });
      expect(res.results.map((r) => r.id)).toEqual([shared.dataSourceId]);
      const ds = res.results[0]!;
      expect(ds).toMatchObject({
        object: 'data_source',
        parent: { type: 'database_id', database_id: shared.databaseId },
        title: [{ type: 'text', plain_text: 'Tweets' }],
        properties: { Name: { id: 'title', name: 'Name', type: 'title', title: {} }, URL: { type: 'url', url: {} } },
        public_url: null,
      });
    });

    it('searches titles case-insensitively and pages through results', async () => {
      const byTitle = await api().search({ query: 'proj' });
      expect(byTitle.results.map((r) => r.id)).toEqual([sharedPageId]);
      const first = await api().search({ page_size: 1 });
      expect(first.has_more).toBe(true);
      const second = await api().search({ page_size: 1, start_cursor: first.next_cursor! });
      expect(second.results[0]!.id).not.toBe(first.results[0]!.id);
    });

    it('rejects the pre-2025-09-03 "database" search filter', async () => {
      const filter = { property: 'object', value: 'database' } as unknown as {
        property: 'object';
        value: 'data_source';
      };
      await expect(api().search({ filter })).rejects.toMatchObject({ status: 400, code: 'validation_error' });
    });

    it('retrieves shared data sources and databases, with or without dashes', async () => {
      await expect(
        api().dataSources.retrieve({ data_source_id: shared.dataSourceId.replace(/-/g, '') }),
      ).resolves.toMatchObject({ id: shared.dataSourceId });
      await expect(api().databases.retrieve({ database_id: shared.databaseId })).resolves.toMatchObject({
        object: 'database',
        id: shared.databaseId,
        data_sources: [{ id: shared.dataSourceId, name: 'Tweets' }],
      });
    });

    it('answers 404 object_not_found for unshared objects', async () => {
      const err = api().dataSources.retrieve({ data_source_id: other.dataSourceId });
      await expect(err).rejects.toBeInstanceOf(APIResponseError);
      await expect(err).rejects.toMatchObject({
        status: 404,
        code: 'object_not_found',
        message: `Could not find data_source with ID: ${other.dataSourceId}. Make sure the relevant pages and databases are shared with your integration.`,
      });
      await expect(api().pages.retrieve({ page_id: privatePageId })).rejects.toMatchObject({
        status: 404,
        code: 'object_not_found',
      });
    });
  });

  describe('creating pages', () => {
    it('creates a row with a data_source_id parent and normalizes its values', async () => {
      const before = sandbox.rows(other.dataSourceId).length;
      const page = await api().pages.create({
        parent: { type: 'data_source_id', data_source_id: shared.dataSourceId },
        properties: {
          Name: titleOf('A tweet'),
          URL: { url: 'https://x.com/a/status/1' },
          Author: {
            rich_text: [{ text: { content: '@a', link: { url: 'https://x.com/a' } }, annotations: { bold: true } }],
          },
          Saved: { date: { start: '2025-01-02T03:04:05Z' } },
        },
      });
      expect(page).toMatchObject({
        object: 'page',
        in_trash: false,
        archived: false,
        public_url: null,
        url: `https://www.notion.so/${page.id.replace(/-/g, '')}`,
        parent: { type: 'data_source_id', data_source_id: shared.dataSourceId, database_id: shared.databaseId },
      });
      const rows = sandbox.rows(shared.dataSourceId);
      const row = rows.at(-1)!;
      expect(row).toMatchObject({ id: page.id, inTrash: false, dataSourceId: shared.dataSourceId });
      expect(row.properties).toMatchObject({
        Name: {
          id: 'title',
          type: 'title',
          title: [
            {
              type: 'text',
              text: { content: 'A tweet', link: null },
              plain_text: 'A tweet',
              href: null,
              annotations: { bold: false, color: 'default' },
            },
          ],
        },
        URL: { type: 'url', url: 'https://x.com/a/status/1' },
        Author: {
          type: 'rich_text',
          rich_text: [{ plain_text: '@a', href: 'https://x.com/a', annotations: { bold: true } }],
        },
        Saved: { type: 'date', date: { start: '2025-01-02T03:04:05.000+00:00', end: null, time_zone: null } },
        Done: { type: 'checkbox', checkbox: false },
        Created: { type: 'created_time', created_time: row.createdTime },
      });
      expect(sandbox.rows(other.dataSourceId)).toHaveLength(before);
    });

    it('accepts a database_id parent for a single-source database', async () => {
      const page = await api().pages.create({
        parent: { database_id: shared.databaseId },
        properties: { Name: titleOf('via db') },
      });
      expect(page).toMatchObject({ parent: { type: 'data_source_id', data_source_id: shared.dataSourceId } });
    });

    it.each([
      ['an unknown property', { Nope: { url: 'https://x.com' } }, 'Nope is not a property that exists.'],
      ['a value of the wrong type', { URL: { rich_text: [] } }, 'URL is expected to be url.'],
      ['a mismatched type tag', { Name: { type: 'rich_text', title: [] } }, 'Name is expected to be title.'],
      ['a read-only property', { Created: { created_time: '2025-01-01' } }, 'Created is a created_time property'],
      [
        'a bad date',
        { Saved: { date: { start: 'yesterday' } } },
        'body.properties.Saved.date.start should be a valid ISO 8601',
      ],
      [
        'too many rich text items',
        { Author: { rich_text: Array.from({ length: 101 }, () => ({ text: { content: 'x' } })) } },
        'body.properties.Author.rich_text.length should be ≤ `100`, instead was `101`.',
      ],
      [
        'an over-long URL',
        { URL: { url: `https://x.com/${'a'.repeat(2000)}` } },
        'body.properties.URL.url.length should be ≤ `2000`',
      ],
    ])('rejects %s with 400 validation_error', async (_label, properties, message) => {
      const before = sandbox.rows(shared.dataSourceId).length;
      const create = api().pages.create({
        parent: { data_source_id: shared.dataSourceId },
        properties: properties as never,
      });
      await expect(create).rejects.toMatchObject({
        status: 400,
        code: 'validation_error',
        message: expect.stringContaining(message),
      });
      expect(sandbox.rows(shared.dataSourceId)).toHaveLength(before);
    });

    it('rejects 2001-character text content with the real message', async () => {
      await expect(
        api().pages.create({
          parent: { data_source_id: shared.dataSourceId },
          properties: { Author: { rich_text: [{ text: { content: 'ok' } }, { text: { content: 'x'.repeat(2001) } }] } },
        }),
      ).rejects.toMatchObject({
        status: 400,
        code: 'validation_error',
        message:
          'body failed validation: body.properties.Author.rich_text[1].text.content.length should be ≤ `2000`, instead was `2001`.',
      });
    });

    it('validates children blocks and keeps them on the row', async () => {
      await expect(
        api().pages.create({
          parent: { data_source_id: shared.dataSourceId },
          properties: { Name: titleOf('long') },
          children: [{ paragraph: { rich_text: [{ text: { content: 'y'.repeat(2001) } }] } }],
        }),
      ).rejects.toMatchObject({
        code: 'validation_error',
        message: expect.stringContaining('body.children[0].paragraph.rich_text[0].text.content.length'),
      });
      const page = await api().pages.create({
        parent: { data_source_id: shared.dataSourceId },
        properties: { Name: titleOf('with body') },
        children: [{ paragraph: { rich_text: [{ text: { content: 'tweet text' } }] } }],
      });
      const row = sandbox.rows(shared.dataSourceId).find((r) => r.id === page.id)!;
      expect(row.children).toMatchObject([
        { object: 'block', type: 'paragraph', paragraph: { rich_text: [{ plain_text: 'tweet text' }] } },
      ]);
    });

    it('refuses to create rows in an unshared data source', async () => {
      await expect(
        api().pages.create({ parent: { data_source_id: other.dataSourceId }, properties: { Name: titleOf('x') } }),
      ).rejects.toMatchObject({ status: 404, code: 'object_not_found' });
    });
  });

  describe('querying and trashing', () => {
    it('filters with text, checkbox and compound filters, excluding trashed rows', async () => {
      const ws = sandbox.addWorkspace({ name: 'Query' }).id;
      const table = sandbox.addTable(ws, { title: 'Q', properties: { Name: 'title', URL: 'url', Done: 'checkbox' } });
      const client = notion(sandbox, (await connect(sandbox, ws)).access_token);
      const make = (name: string, url: string, done: boolean) =>
        client.pages.create({
          parent: { data_source_id: table.dataSourceId },
          properties: { Name: titleOf(name), URL: { url }, Done: { checkbox: done } },
        });
      const a = await make('alpha', 'https://x.com/1', false);
      await make('beta', 'https://x.com/2', true);
      const c = await make('gamma alpha', 'https://x.com/3', true);

      const byUrl = await client.dataSources.query({
        data_source_id: table.dataSourceId,
        filter: { property: 'URL', url: { equals: 'https://x.com/1' } },
      });
      expect(byUrl.results.map((r) => r.id)).toEqual([a.id]);
      const compound = await client.dataSources.query({
        data_source_id: table.dataSourceId,
        filter: {
          and: [
            { property: 'Name', title: { contains: 'ALPHA' } },
            { property: 'Done', checkbox: { equals: true } },
          ],
        },
      });
      expect(compound.results.map((r) => r.id)).toEqual([c.id]);
      const either = await client.dataSources.query({
        data_source_id: table.dataSourceId,
        filter: {
          or: [
            { property: 'URL', url: { equals: 'https://x.com/1' } },
            { property: 'URL', url: { equals: 'https://x.com/3' } },
          ],
        },
      });
      expect(either.results).toHaveLength(2);

      const trashed = await client.pages.update({ page_id: a.id, in_trash: true });
      expect(trashed).toMatchObject({ in_trash: true, archived: true });
      await expect(client.pages.update({ page_id: a.id, in_trash: true })).resolves.toMatchObject({ in_trash: true });
      expect(sandbox.rows(table.dataSourceId).find((r) => r.id === a.id)?.inTrash).toBe(true);
      expect(sandbox.rows(table.dataSourceId).filter((r) => !r.inTrash)).toHaveLength(2);
      const after = await client.dataSources.query({
        data_source_id: table.dataSourceId,
        filter: { property: 'URL', url: { equals: 'https://x.com/1' } },
      });
      expect(after.results).toEqual([]);
      await expect(client.pages.update({ page_id: a.id, properties: { Name: titleOf('edit') } })).rejects.toMatchObject(
        { status: 400, code: 'validation_error' },
      );

      const paged = await client.dataSources.query({ data_source_id: table.dataSourceId, page_size: 1 });
      expect(paged.has_more).toBe(true);
      await expect(
        client.dataSources.query({
          data_source_id: table.dataSourceId,
          filter: { property: 'Missing', url: { equals: 'x' } },
        }),
      ).rejects.toMatchObject({ status: 400, code: 'validation_error' });
      await expect(
        client.dataSources.query({
          data_source_id: table.dataSourceId,
          filter: { property: 'URL', rich_text: { equals: 'x' } },
        }),
      ).rejects.toMatchObject({ status: 400, code: 'validation_error' });
    });
  });

  describe('schema changes made in Notion', () => {
    it('follows renamed, added and removed properties', async () => {
      const ws = sandbox.addWorkspace({ name: 'Schema' }).id;
      const table = sandbox.addTable(ws, { title: 'S', properties: { Name: 'title', Link: 'url' } });
      const client = notion(sandbox, (await connect(sandbox, ws)).access_token);
      await client.pages.create({
        parent: { data_source_id: table.dataSourceId },
        properties: { Name: titleOf('one'), Link: { url: 'https://x.com/1' } },
      });
      sandbox.renameProperty(table.dataSourceId, 'Link', 'Tweet URL');
      sandbox.addProperty(table.dataSourceId, 'Tags', 'multi_select');
      await expect(
        client.pages.create({
          parent: { data_source_id: table.dataSourceId },
          properties: { Link: { url: 'https://x.com/2' } },
        }),
      ).rejects.toMatchObject({ code: 'validation_error', message: 'Link is not a property that exists.' });
      await client.pages.create({
        parent: { data_source_id: table.dataSourceId },
        properties: { 'Tweet URL': { url: 'https://x.com/2' }, Tags: { multi_select: [{ name: 'x' }] } },
      });
      const rows = sandbox.rows(table.dataSourceId);
      expect(rows[0]!.properties['Tweet URL']).toMatchObject({ url: 'https://x.com/1' });
      expect(rows[1]!.properties.Tags).toMatchObject({ multi_select: [{ name: 'x', color: 'default' }] });
      sandbox.removeProperty(table.dataSourceId, 'Tags');
      expect(sandbox.rows(table.dataSourceId)[1]!.properties).not.toHaveProperty('Tags');
      const ds = await client.dataSources.retrieve({ data_source_id: table.dataSourceId });
      expect(Object.keys(ds.properties).sort()).toEqual(['Name', 'Tweet URL']);
    });

    it('rejects tables without exactly one title property', () => {
      expect(() => sandbox.addTable(wsId, { title: 'bad', properties: { URL: 'url' } })).toThrow(/title/);
    });
  });

  describe('databases.create', () => {
    it('creates a table under a shared page, visible to its creator', async () => {
      const db = await api().databases.create({
        parent: { type: 'page_id', page_id: sharedPageId },
        title: [{ type: 'text', text: { content: 'Saved tweets' } }],
        initial_data_source: { properties: { Name: { title: {} }, URL: { url: {} }, Saved: { date: {} } } },
      });
      expect(db).toMatchObject({ object: 'database', parent: { type: 'page_id', page_id: sharedPageId } });
      const dsId = (db as { data_sources: { id: string }[] }).data_sources[0]!.id;
      const ds = await api().dataSources.retrieve({ data_source_id: dsId });
      expect(Object.keys(ds.properties).sort()).toEqual(['Name', 'Saved', 'URL']);
      await api().pages.create({ parent: { data_source_id: dsId }, properties: { Name: titleOf('first') } });
      expect(sandbox.rows(dsId)).toHaveLength(1);
      const found = await api().search({ query: 'saved tweets', filter: { property: 'object', value: 'data_source' } });
      expect(found.results.map((r) => r.id)).toEqual([dsId]);
    });

    it('refuses an unshared parent page and a schema without a title', async () => {
      await expect(
        api().databases.create({
          parent: { type: 'page_id', page_id: privatePageId },
          title: [],
          initial_data_source: { properties: { Name: { title: {} } } },
        }),
      ).rejects.toMatchObject({ status: 404, code: 'object_not_found' });
      await expect(
        api().databases.create({
          parent: { type: 'page_id', page_id: sharedPageId },
          title: [],
          initial_data_source: { properties: { URL: { url: {} } } },
        }),
      ).rejects.toMatchObject({ status: 400, code: 'validation_error' });
    });
  });

  describe('protocol errors', () => {
    it('requires the Notion-Version header and a supported version', async () => {
      const missing = await rawApi(sandbox, '/v1/search', { token, version: null, body: '{}' });
      expect(missing.status).toBe(400);
      expect(await missing.json()).toMatchObject({ object: 'error', status: 400, code: 'missing_version' });
      const old = await rawApi(sandbox, '/v1/search', { token, version: '2022-06-28', body: '{}' });
      expect(old.status).toBe(400);
      expect(await old.json()).toMatchObject({ code: 'validation_error' });
      const newer = await rawApi(sandbox, '/v1/search', { token, version: '2026-03-11', body: '{}' });
      expect(newer.status).toBe(200);
    });

    it('answers 401 unauthorized for missing and unknown tokens', async () => {
      const res = await rawApi(sandbox, '/v1/search', { body: '{}' });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { request_id: string };
      expect(body).toMatchObject({
        object: 'error',
        status: 401,
        code: 'unauthorized',
        message: 'API token is invalid.',
      });
      expect(res.headers.get('x-notion-request-id')).toBe(body.request_id);
      await expect(notion(sandbox, 'ntn_forged').search({})).rejects.toMatchObject({
        status: 401,
        code: 'unauthorized',
      });
    });

    it('answers bad JSON, unknown routes and huge bodies like Notion', async () => {
      const badJson = await rawApi(sandbox, '/v1/search', { token, body: '{nope' });
      expect(await badJson.json()).toMatchObject({ status: 400, code: 'invalid_json' });
      const unknown = await rawApi(sandbox, '/v1/nothing-here', { token, body: '{}' });
      expect(await unknown.json()).toMatchObject({ status: 400, code: 'invalid_request_url' });
      const huge = await rawApi(sandbox, '/v1/search', {
        token,
        body: JSON.stringify({ query: 'x'.repeat(600 * 1024) }),
      });
      expect(huge.status).toBe(400);
      expect(await huge.json()).toMatchObject({ code: 'validation_error' });
    });

    it('rate limits the next calls with Retry-After', async () => {
      sandbox.rateLimitNext(2, 7);
      const res = await rawApi(sandbox, '/v1/search', { token, body: '{}' });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.json()).toMatchObject({
        object: 'error',
        status: 429,
        code: 'rate_limited',
        message: 'You have been rate limited. Please try again in a few minutes.',
      });
      await expect(api().search({})).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
      await expect(api().search({})).resolves.toMatchObject({ object: 'list' });
    });

    it('cuts a workspace off when access is revoked, and hides unshared objects', async () => {
      const ws = sandbox.addWorkspace({ name: 'Revoked' }).id;
      const table = sandbox.addTable(ws, { title: 'R', properties: { Name: 'title' } });
      const first = notion(sandbox, (await connect(sandbox, ws)).access_token);
      await expect(first.dataSources.retrieve({ data_source_id: table.dataSourceId })).resolves.toBeTruthy();
      sandbox.unshare(ws, table.dataSourceId);
      await expect(first.dataSources.retrieve({ data_source_id: table.dataSourceId })).rejects.toMatchObject({
        status: 404,
        code: 'object_not_found',
      });
      expect(sandbox.activeTokenCount(ws)).toBe(1);
      sandbox.revokeWorkspaceAccess(ws);
      expect(sandbox.activeTokenCount(ws)).toBe(0);
      await expect(first.search({})).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
      // Other workspaces keep working.
      await expect(api().search({})).resolves.toMatchObject({ object: 'list' });
    });
  });
});
