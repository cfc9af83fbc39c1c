import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/sandbox-mode.js';
import { RICH_TWEET_IDS as IDS } from '../../../src/sandbox/sandbox-seed.js';
import { propertyText } from '../../../src/sandbox/web/sandbox-views.js';
import { completeConnect } from '../../helpers/connect-flow.js';
import { waitFor } from '../../helpers/product.js';

const testEnv = () => ({
  PORT: '0',
  STORE_URL: 'memory://',
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
});

/** The newcomer's path through the sandbox with the FxTwitter emulation: rich rows, a thread, tags and a note. */
describe('sandbox mode: the whole tweet in Notion', () => {
  let sandbox: RunningSandbox;
  const rows = () =>
    sandbox.notion.rows(sandbox.tables.find((t) => t.title === 'Tweets')!.dataSourceId).filter((r) => !r.inTrash);
  const tweetsHtml = () => sandbox.session.view().tables.find((t) => t.html.includes('data-title="Tweets"'))!.html;

  beforeAll(async () => {
    sandbox = await startSandbox({}, { env: testEnv() });
    await sandbox.session.submit('/notion-connect');
    const dm = await waitFor(() => sandbox.session.view().dms.find((m) => m.html.includes('/oauth/notion/start')), {
      what: 'the connect DM',
    });
    const url = /href="([^"]*\/oauth\/notion\/start\?t=[^"]+)"/.exec(dm.html)![1]!.replace(/&amp;/g, '&');
    const acme = sandbox.notion.workspaces().find((w) => w.name === 'Acme Sandbox')!;
    // As the consent page comes: the Tweets table ticked, the Reading queue not.
    const tweets = sandbox.tables.find((t) => t.title === 'Tweets')!;
    expect(
      (await completeConnect(url, sandbox.notion, { workspaceId: acme.id, share: [tweets.databaseId] })).status,
    ).toBe(200);
    await sandbox.app.core.idle();
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('saves the photos-and-quote tweet with Posted, Author, Tags and Media, and shows its page under the table', async () => {
    await sandbox.session.submit(`/save-tweet https://x.com/miradraws/status/${IDS.photos} #art`);
    await sandbox.app.core.idle();
    const row = await waitFor(() => rows()[0], { what: 'the row' });
    expect(propertyText(row.properties.Author)).toBe('Mira Chen');
    expect(propertyText(row.properties.Tags)).toBe('art');
    expect(propertyText(row.properties.Media)).toContain('Pencil sketch');
    expect(row.properties.Posted).toMatchObject({ date: { start: expect.stringMatching(/^2024-10-27/) } });
    const html = tweetsHtml();
    expect(html).toContain('class="nt-page"');
    expect(html).toContain('Quoting Ada Lab (@adalab)');
    expect(html).toContain('🖼');
  });

  it('saves the three-tweet thread from its third tweet with /save-thread', async () => {
    await sandbox.session.submit(`/save-thread https://x.com/tompark/status/${IDS.threadEnd}`);
    const row = await waitFor(() => rows().find((r) => propertyText(r.properties.Name) === '@tompark'), {
      what: 'the thread row',
    });
    expect(propertyText(row.properties.Tweet).split('\n\n')).toHaveLength(3);
  });

  it('"Save thread to Notion" on a teammate\'s message with the thread\'s last tweet finds the thread saved already', async () => {
    const samir = sandbox.session.view().channel.find((m) => m.html.includes('Samir'))!;
    expect(samir.html).toContain('data-thread=""');
    const messageId = /data-shortcut="([^"]+)" data-thread/.exec(samir.html)![1]!;
    expect(await sandbox.session.shortcut(messageId, true)).toStrictEqual({ ok: true });
    await waitFor(
      () => sandbox.session.view().channel.some((m) => m.html.includes('Already saved') && m.html.includes('@tompark')),
      { what: 'the answer' },
    );
    expect(rows().filter((r) => propertyText(r.properties.Name) === '@tompark')).toHaveLength(1);
  });

  it('"Add note" on the Saved reply opens a form on the page; submitting it sets Note and Tags', async () => {
    const saved = sandbox.session
      .view()
      .channel.find((m) => m.html.includes('@miradraws') && m.html.includes('data-action-id="add_note"'))!;
    const key = /data-message-key="([^"]+)" data-action-id="add_note"/.exec(saved.html)![1]!;
    expect(await sandbox.session.blockAction({ messageKey: key, actionId: 'add_note' })).toStrictEqual({ ok: true });
    const modal = await waitFor(() => sandbox.session.view().modal, { what: 'the modal' });
    expect(modal.title).toBe('Add a note');
    expect(modal.inputs.map((i) => i.blockId)).toStrictEqual(['note', 'tags']);
    expect(
      await sandbox.session.submitModal({
        viewId: modal.id,
        values: { note: 'for the sketchbook', tags: 'art drawing' },
      }),
    ).toStrictEqual({ ok: true });
    await waitFor(() => propertyText(rows()[0]!.properties.Note) === 'for the sketchbook', { what: 'the note' });
    expect(propertyText(rows()[0]!.properties.Tags)).toBe('art, drawing');
    expect(sandbox.session.view().modal).toBeUndefined();
    await waitFor(() => sandbox.session.view().channel.some((m) => m.html.includes('Note: for the sketchbook')), {
      what: 'the updated reply',
    });
  });
});
