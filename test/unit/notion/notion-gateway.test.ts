import { APIResponseError } from '@notionhq/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SaveTarget } from '../../../src/core/connection.js';
import {
  DomainError,
  NotionAccessRevokedError,
  NotionRateLimitedError,
  NotionRejectedError,
  NotionTargetGoneError,
  NotionUnavailableError,
  OAuthCodeRejectedError,
  OAuthExchangeFailedError,
} from '../../../src/core/errors.js';
import type { NotionGateway } from '../../../src/core/ports.js';
import { createLogger } from '../../../src/log.js';
import { createNotionGateway, TWEETS_TABLE } from '../../../src/notion/notion-gateway.js';
import { startNotionSandbox, type NotionSandbox } from '../../../src/sandbox/notion/notion-sandbox.js';
import { CLIENT_ID, CLIENT_SECRET, obtainCode, REDIRECT_URI } from '../sandbox/notion-test-helpers.js';
import { notionError, startRecordingProxy, type RecordingProxy, type SentRequest } from './recording-proxy.js';

/**
 * The gateway is the only code that talks to Notion: these tests run it, with the real
 * @notionhq/client, against the Notion sandbox through a recording proxy, and check what each
 * method sends and how each Notion answer becomes what core sees (a result or a domain error).
 */

const silent = createLogger('silent');
const WITH_TEXT = { Name: 'title', Tweet: 'rich_text', Link: 'url', Saved: 'date' };
const ROW = {
  handle: 'jack',
  text: 'just setting up my twttr',
  link: 'https://x.com/jack/status/20',
  savedAt: new Date('2024-05-06T07:08:09.000Z'),
};
const basicAuth = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

describe('notion gateway against the Notion sandbox', () => {
  let sandbox: NotionSandbox;
  let proxy: RecordingProxy;
  let gateway: NotionGateway;
  let ws: { id: string; name: string; ownerId: string };
  let tweets: { databaseId: string; dataSourceId: string; url: string };

  beforeEach(async () => {
    sandbox = await startNotionSandbox({
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
    });
    ws = sandbox.addWorkspace({ name: 'Acme' });
    tweets = sandbox.addTable(ws.id, { title: 'Tweets', properties: WITH_TEXT });
    proxy = await startRecordingProxy(sandbox.url);
    gateway = gatewayAt(proxy.url);
  });
  afterEach(async () => {
    await proxy.close();
    await sandbox.close();
  });

  /** No waiting between the SDK's retries: the tests count attempts, not time. */
  function gatewayAt(apiUrl: string, credentials = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }) {
    return createNotionGateway({
      apiUrl,
      ...credentials,
      redirectUri: () => REDIRECT_URI,
      log: silent,
      maxRetryDelayMs: 0,
    });
  }

  /** A token for the workspace, with `share` ticked on the consent page (everything when undefined). */
  async function tokenFor(share?: string[]): Promise<string> {
    const grant = await gateway.exchangeCode(await obtainCode(sandbox, ws.id, share));
    proxy.sent.length = 0;
    return grant.accessToken;
  }

  const target = (mapping = { title: 'Name', text: 'Tweet', link: 'Link', date: 'Saved' }): SaveTarget => ({
    dataSourceId: tweets.dataSourceId,
    title: 'Tweets',
    mapping,
  });
  const calls = () => proxy.sent.map((r) => `${r.method} ${r.path}`);
  const only = (): SentRequest => {
    expect(proxy.sent).toHaveLength(1);
    return proxy.sent[0]!;
  };

  describe('OAuth', () => {
    it('exchangeCode sends the code, the registered redirect URI and the client credentials (Basic auth)', async () => {
      const code = await obtainCode(sandbox, ws.id);
      const grant = await gateway.exchangeCode(code);
      const sent = only();
      expect(`${sent.method} ${sent.path}`).toBe('POST /v1/oauth/token');
      expect(sent.headers.authorization).toBe(basicAuth);
      expect(sent.body).toEqual({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
      expect(grant).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        botId: expect.any(String),
        workspaceId: ws.id,
        workspaceName: 'Acme',
        workspaceIcon: null,
        ownerUserId: ws.ownerId,
        duplicatedTemplateId: null,
      });
    });

    it('a code used twice is OAuthCodeRejectedError, and Notion exchanged it once', async () => {
      const code = await obtainCode(sandbox, ws.id);
      await gateway.exchangeCode(code);
      await expect(gateway.exchangeCode(code)).rejects.toBeInstanceOf(OAuthCodeRejectedError);
      expect(sandbox.tokenExchanges()).toBe(1);
    });

    it('wrong client credentials are OAuthExchangeFailedError naming the HTTP status, never the secret', async () => {
      const wrong = gatewayAt(proxy.url, { clientId: CLIENT_ID, clientSecret: 'not-the-secret' });
      const err = (await wrong.exchangeCode(await obtainCode(sandbox, ws.id)).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(OAuthExchangeFailedError);
      expect(err.message).toMatch(/HTTP 401/);
      expect(err.message).not.toContain('not-the-secret');
    });

    it('without client credentials nothing is sent', async () => {
      const unconfigured = gatewayAt(proxy.url, { clientId: undefined as never, clientSecret: undefined as never });
      await expect(unconfigured.exchangeCode('any')).rejects.toBeInstanceOf(OAuthExchangeFailedError);
      expect(proxy.sent).toEqual([]);
    });

    it('a token answer that does not look like Notion’s is refused before anything is stored', async () => {
      proxy.answerNext(1, { status: 200, body: { access_token: 'x', token_type: 'bearer' } });
      await expect(gateway.exchangeCode('code')).rejects.toThrow(
        new OAuthExchangeFailedError('Notion answered the token exchange with an unexpected body'),
      );
    });

    it('refreshGrant sends the refresh token and returns new tokens; a refused one is a domain error', async () => {
      const first = await gateway.exchangeCode(await obtainCode(sandbox, ws.id));
      proxy.sent.length = 0;
      const next = await gateway.refreshGrant(first.refreshToken!);
      const sent = only();
      expect(sent.headers.authorization).toBe(basicAuth);
      expect(sent.body).toEqual({ grant_type: 'refresh_token', refresh_token: first.refreshToken });
      expect(next.accessToken).not.toBe(first.accessToken);
      expect(next.workspaceId).toBe(ws.id);
      await expect(gateway.refreshGrant('not-a-refresh-token')).rejects.toBeInstanceOf(DomainError);
    });

    it('revokeToken sends the token to /v1/oauth/revoke; afterwards Notion refuses it', async () => {
      const token = await tokenFor();
      await gateway.revokeToken(token);
      const sent = only();
      expect(`${sent.method} ${sent.path}`).toBe('POST /v1/oauth/revoke');
      expect(sent.headers.authorization).toBe(basicAuth);
      expect(sent.body).toEqual({ token });
      await expect(gateway.listTables(token)).rejects.toBeInstanceOf(NotionAccessRevokedError);
    });
  });

  describe('tables and pages', () => {
    it('listTables searches data sources, and maps each shared table or says what it lacks', async () => {
      const bare = sandbox.addTable(ws.id, { title: 'Ideas', properties: { Name: 'title' } });
      sandbox.addTable(ws.id, { title: 'Not shared', properties: WITH_TEXT });
      const token = await tokenFor([tweets.dataSourceId, bare.dataSourceId]);
      const tables = await gateway.listTables(token);
      const sent = only();
      expect(`${sent.method} ${sent.path}`).toBe('POST /v1/search');
      expect(sent.headers.authorization).toBe(`Bearer ${token}`);
      expect(sent.headers['notion-version']).toBe('2025-09-03');
      expect(sent.body).toEqual({ filter: { property: 'object', value: 'data_source' }, page_size: 100 });
      // Search answers newest first; the order is Notion's, so it is not checked here.
      expect(tables).toHaveLength(2);
      expect(tables).toEqual(
        expect.arrayContaining([
          {
            dataSourceId: tweets.dataSourceId,
            databaseId: tweets.databaseId,
            parentPageId: undefined,
            title: 'Tweets',
            url: expect.any(String),
            mapping: { title: 'Name', text: 'Tweet', link: 'Link', date: 'Saved' },
          },
          {
            dataSourceId: bare.dataSourceId,
            databaseId: bare.databaseId,
            parentPageId: undefined,
            title: 'Ideas',
            url: expect.any(String),
            missing: { name: 'Tweet', type: 'Text' },
          },
        ]),
      );
    });

    it('listTables follows next_cursor through the pages of results', async () => {
      for (let i = 0; i < 100; i++) sandbox.addTable(ws.id, { title: `Table ${i}`, properties: { Name: 'title' } });
      const token = await tokenFor();
      const tables = await gateway.listTables(token);
      expect(tables).toHaveLength(101);
      expect(calls()).toEqual(['POST /v1/search', 'POST /v1/search']);
      expect(proxy.sent[1]!.body).toMatchObject({ start_cursor: expect.any(String), page_size: 100 });
    });

    it('same-named tables get their page title, one read per page; an unreadable page, none', async () => {
      const work = sandbox.addPage(ws.id, { title: 'Work' });
      const home = sandbox.addPage(ws.id, { title: 'Home' });
      const inWork = sandbox.addTable(ws.id, { title: 'Tweets', properties: WITH_TEXT, parentPageId: work.pageId });
      const inHome = sandbox.addTable(ws.id, { title: 'Tweets', properties: WITH_TEXT, parentPageId: home.pageId });
      const token = await tokenFor([tweets.dataSourceId, inWork.dataSourceId, inHome.dataSourceId, work.pageId]);
      const tables = await gateway.listTables(token);
      expect(new Map(tables.map((t) => [t.dataSourceId, t.parentTitle]))).toEqual(
        new Map([
          [tweets.dataSourceId, undefined],
          [inWork.dataSourceId, 'Work'],
          [inHome.dataSourceId, undefined],
        ]),
      );
      expect(calls().sort()).toEqual(
        [`GET /v1/pages/${home.pageId}`, `GET /v1/pages/${work.pageId}`, 'POST /v1/search'].sort(),
      );
      // A title read is remembered; a page Notion did not show is asked for again (it may be shared since).
      proxy.sent.length = 0;
      await gateway.listTables(token);
      expect(calls()).toEqual(['POST /v1/search', `GET /v1/pages/${home.pageId}`]);
    });

    it('canReadTable reads the data source: true when shared, false on 404', async () => {
      const token = await tokenFor([tweets.dataSourceId]);
      await expect(gateway.canReadTable(token, tweets.dataSourceId)).resolves.toBe(true);
      expect(calls()).toEqual([`GET /v1/data_sources/${tweets.dataSourceId}`]);
      sandbox.unshare(ws.id, tweets.dataSourceId);
      await expect(gateway.canReadTable(token, tweets.dataSourceId)).resolves.toBe(false);
    });

    it('listPages searches pages and keeps the free-standing ones, not rows of tables', async () => {
      const ideas = sandbox.addPage(ws.id, { title: 'Ideas' });
      const token = await tokenFor();
      await gateway.createRow(token, target(), ROW);
      proxy.sent.length = 0;
      expect(await gateway.listPages(token)).toEqual([{ id: ideas.pageId, title: 'Ideas' }]);
      expect(only().body).toEqual({ filter: { property: 'object', value: 'page' }, page_size: 100 });
    });

    it('createTweetsTable creates every column of TWEETS_TABLE in the page and names the page', async () => {
      const ideas = sandbox.addPage(ws.id, { title: 'Ideas' });
      const token = await tokenFor([ideas.pageId]);
      const created = await gateway.createTweetsTable(token, ideas.pageId);
      expect(proxy.sent[0]).toMatchObject({
        method: 'POST',
        path: '/v1/databases',
        body: {
          parent: { type: 'page_id', page_id: ideas.pageId },
          title: [{ type: 'text', text: { content: 'Tweets' } }],
          initial_data_source: {
            properties: { Handle: { title: {} }, Tweet: { rich_text: {} }, Link: { url: {} }, Saved: { date: {} } },
          },
        },
      });
      expect(created).toEqual({
        dataSourceId: expect.any(String),
        databaseId: expect.any(String),
        title: 'Tweets',
        url: expect.any(String),
        parentPageId: ideas.pageId,
        parentTitle: 'Ideas',
        mapping: { ...TWEETS_TABLE.mapping },
      });
      const made = sandbox.tables(ws.id).find((t) => t.dataSourceId === created.dataSourceId)!;
      const columns = new Map(made.columns.map((c) => [c.name, c.type]));
      expect([...columns.keys()].sort()).toEqual(Object.values(TWEETS_TABLE.mapping).sort());
      expect([columns.get('Handle'), columns.get('Tweet'), columns.get('Link'), columns.get('Saved')]).toEqual([
        'title',
        'rich_text',
        'url',
        'date',
      ]);
      expect(made.parentPage?.id).toBe(ideas.pageId);
    });
  });

  describe('rows', () => {
    it('createRow sends the mapped properties to the data source and returns the row', async () => {
      const token = await tokenFor();
      const row = await gateway.createRow(token, target(), ROW);
      const sent = only();
      expect(sent).toMatchObject({
        method: 'POST',
        path: '/v1/pages',
        body: { parent: { type: 'data_source_id', data_source_id: tweets.dataSourceId } },
      });
      expect(Object.keys(sent.body!.properties as object).sort()).toEqual(['Link', 'Name', 'Saved', 'Tweet']);
      const [stored] = sandbox.rows(tweets.dataSourceId);
      expect(row).toEqual({ pageId: stored!.id, url: stored!.url });
      expect(stored!.properties).toMatchObject({
        Name: { title: [{ plain_text: '@jack' }] },
        Tweet: { rich_text: [{ plain_text: ROW.text }] },
        Link: { url: ROW.link },
        Saved: { date: { start: expect.stringContaining('2024-05-06') } },
      });
    });

    it('trashPage reads the row, then moves it to the trash; an already trashed row is not touched again', async () => {
      const token = await tokenFor();
      const { pageId } = await gateway.createRow(token, target(), ROW);
      const other = await gateway.createRow(token, target(), { ...ROW, text: 'another' });
      proxy.sent.length = 0;
      await expect(gateway.trashPage(token, pageId)).resolves.toBe('trashed');
      expect(calls()).toEqual([`GET /v1/pages/${pageId}`, `PATCH /v1/pages/${pageId}`]);
      expect(proxy.sent[1]!.body).toEqual({ in_trash: true });
      expect(sandbox.rows(tweets.dataSourceId).map((r) => [r.id, r.inTrash])).toEqual([
        [pageId, true],
        [other.pageId, false],
      ]);
      proxy.sent.length = 0;
      await expect(gateway.trashPage(token, pageId)).resolves.toBe('already_trashed');
      expect(calls()).toEqual([`GET /v1/pages/${pageId}`]);
    });

    it('trashPage says gone for a row deleted for good (404)', async () => {
      const token = await tokenFor();
      const { pageId } = await gateway.createRow(token, target(), ROW);
      sandbox.deleteRow(pageId);
      await expect(gateway.trashPage(token, pageId)).resolves.toBe('gone');
    });
  });

  describe('Notion errors become domain errors', () => {
    /** The rejection, checked to be a domain error that keeps Notion's error as its cause. */
    async function domainError(promise: Promise<unknown>): Promise<DomainError> {
      const err = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DomainError);
      return err as DomainError;
    }

    it('401 (the user removed the integration) is NotionAccessRevokedError', async () => {
      const token = await tokenFor();
      sandbox.revokeWorkspaceAccess(ws.id);
      const err = await domainError(gateway.listTables(token));
      expect(err).toBeInstanceOf(NotionAccessRevokedError);
      expect(err.cause).toBeInstanceOf(APIResponseError);
      await expect(gateway.canReadTable(token, tweets.dataSourceId)).rejects.toBeInstanceOf(NotionAccessRevokedError);
      await expect(gateway.trashPage(token, 'a'.repeat(32))).rejects.toBeInstanceOf(NotionAccessRevokedError);
    });

    it('404 on the chosen table is NotionTargetGoneError; a column deleted in Notion too', async () => {
      const token = await tokenFor();
      sandbox.removeProperty(tweets.dataSourceId, 'Tweet');
      expect(await domainError(gateway.createRow(token, target(), ROW))).toBeInstanceOf(NotionTargetGoneError);
      sandbox.unshare(ws.id, tweets.dataSourceId);
      expect(await domainError(gateway.createRow(token, target(), ROW))).toBeInstanceOf(NotionTargetGoneError);
      expect(sandbox.rows(tweets.dataSourceId)).toEqual([]);
    });

    it('404 elsewhere (a page no longer shared) is NotionRejectedError', async () => {
      const ideas = sandbox.addPage(ws.id, { title: 'Ideas' });
      const token = await tokenFor([tweets.dataSourceId]);
      const err = await domainError(gateway.createTweetsTable(token, ideas.pageId));
      expect(err).toBeInstanceOf(NotionRejectedError);
      expect(err.code).toBe('notion_rejected');
    });

    it('429 is retried by the SDK; when it lasts, NotionRateLimitedError with Retry-After', async () => {
      const token = await tokenFor();
      sandbox.rateLimitNext(1);
      await expect(gateway.listTables(token)).resolves.toHaveLength(1);
      expect(calls()).toEqual(['POST /v1/search', 'POST /v1/search']);
      proxy.sent.length = 0;
      sandbox.rateLimitNext(3, 7);
      const err = await domainError(gateway.createRow(token, target(), ROW));
      expect(err).toBeInstanceOf(NotionRateLimitedError);
      expect((err as NotionRateLimitedError).retryAfterSeconds).toBe(7);
      expect(calls()).toEqual(['POST /v1/pages', 'POST /v1/pages', 'POST /v1/pages']);
      expect(sandbox.rows(tweets.dataSourceId)).toEqual([]);
    });

    it('529 (overloaded) is NotionRateLimitedError too', async () => {
      const token = await tokenFor();
      proxy.answerNext(3, notionError(529, 'service_unavailable'));
      expect(await domainError(gateway.listTables(token))).toBeInstanceOf(NotionRateLimitedError);
    });

    it('503 is retried for reads and then NotionUnavailableError; a create is not retried', async () => {
      const token = await tokenFor();
      proxy.answerNext(3, notionError(503, 'service_unavailable'));
      expect(await domainError(gateway.canReadTable(token, tweets.dataSourceId))).toBeInstanceOf(
        NotionUnavailableError,
      );
      expect(calls()).toHaveLength(3);
      proxy.sent.length = 0;
      proxy.answerNext(1, notionError(500, 'internal_server_error'));
      expect(await domainError(gateway.createRow(token, target(), ROW))).toBeInstanceOf(NotionUnavailableError);
      expect(calls()).toEqual(['POST /v1/pages']);
    });

    it('no answer at all (nothing listening) is NotionUnavailableError', async () => {
      const token = await tokenFor();
      const closed = await startRecordingProxy(sandbox.url);
      const deadUrl = closed.url;
      await closed.close();
      expect(await domainError(gatewayAt(deadUrl).listTables(token))).toBeInstanceOf(NotionUnavailableError);
    });

    it('403 restricted_resource (a capability is missing) is NotionTargetGoneError', async () => {
      const token = await tokenFor();
      proxy.answerNext(1, notionError(403, 'restricted_resource', 'Insufficient permissions for this endpoint.'));
      const err = await domainError(gateway.listPages(token));
      expect(err).toBeInstanceOf(NotionTargetGoneError);
      expect(err.message).toBe('the integration lacks a capability for this table');
    });

    it('400 validation_error and 409 conflict outside the chosen table are NotionRejectedError', async () => {
      const token = await tokenFor();
      proxy.answerNext(1, notionError(400, 'validation_error', 'body failed validation'));
      expect(await domainError(gateway.listPages(token))).toBeInstanceOf(NotionRejectedError);
      proxy.answerNext(1, notionError(409, 'conflict_error'));
      expect(await domainError(gateway.createTweetsTable(token, 'a'.repeat(32)))).toBeInstanceOf(NotionRejectedError);
    });

    it('a created table without a data source is NotionRejectedError', async () => {
      const token = await tokenFor();
      proxy.answerNext(1, { status: 200, body: { object: 'database', id: 'd'.repeat(32), data_sources: [] } });
      expect(await domainError(gateway.createTweetsTable(token, 'a'.repeat(32)))).toBeInstanceOf(NotionRejectedError);
    });
  });
});
