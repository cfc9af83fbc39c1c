import { describe, expect, it } from 'vitest';
import type { SandboxRow } from '../../../../src/sandbox/notion/notion-sandbox.js';
import type { SeededTable } from '../../../../src/sandbox/sandbox-seed.js';
import {
  linkToDms,
  messageItem,
  notionLinks,
  propertyText,
  tableHtml,
  tableItem,
  type ShownTable,
} from '../../../../src/sandbox/web/sandbox-views.js';

const AT = Date.UTC(2024, 0, 2, 3, 4, 5);
const table: SeededTable = {
  dataSourceId: 'ds-1',
  databaseId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
  databaseUrl: 'https://www.notion.so/aaaaaaaabbbb4ccc8dddeeeeeeeeeeee',
  title: 'Tweets',
  workspace: 'Acme',
  columns: [
    { name: 'Name', type: 'title' },
    { name: 'Tweet', type: 'rich_text' },
    { name: 'Link', type: 'url' },
  ],
};

function row(id: string, values: { name: string; tweet?: string; link?: string }, inTrash = false): SandboxRow {
  return {
    id,
    url: `https://www.notion.so/${id.replace(/-/g, '')}`,
    dataSourceId: table.dataSourceId,
    inTrash,
    createdTime: new Date(AT).toISOString(),
    properties: {
      Name: { type: 'title', title: [{ plain_text: values.name }] },
      Tweet: { type: 'rich_text', rich_text: values.tweet === undefined ? [] : [{ plain_text: values.tweet }] },
      Link: { type: 'url', url: values.link ?? null },
    },
    children: [],
  };
}

const LIVE = row('11111111-1111-4111-8111-111111111111', {
  name: '@jack',
  tweet: 'just <b>setting</b> up',
  link: 'https://x.com/jack/status/20',
});
const TRASHED = row('22222222-2222-4222-8222-222222222222', { name: '@gone' }, true);
const shown: ShownTable[] = [{ table, rows: [LIVE, TRASHED] }];
const noLinks = notionLinks([]);

/** Tags a message or table may contain; any other would be injected markup. */
const TAGS = 'article|div|span|time|button|a|strong|em|code|svg|path|rect|section|h3|table|thead|tbody|tr|th|td';
const ALLOWED_TAGS = new RegExp(`<\\/?(${TAGS})(\\s[^<>]*)?>`, 'g');
const injected = (html: string) => html.replace(ALLOWED_TAGS, '').match(/<[a-z!/]/gi) ?? [];

describe('messageItem', () => {
  it("renders a person's message: text, link previews, the Save to Notion shortcut, author escaped", () => {
    const item = messageItem(
      {
        kind: 'person',
        key: 'ex1',
        author: '<img src=x onerror=alert(1)>',
        at: AT,
        text: 'look *here* <https://x.com/jack/status/20>',
        attachments: [{ title: 'A tweet', text: 'just setting up my twttr', from_url: 'https://x.com/jack/status/20' }],
        shortcut: true,
        own: false,
      },
      noLinks,
    );
    expect(item.id).toBe('ex1');
    expect(item.html).toContain('<strong>here</strong>');
    expect(item.html).toContain('just setting up my twttr');
    expect(item.html).toContain('data-shortcut="ex1">Save to Notion</button>');
    expect(item.html).toContain(`datetime="${new Date(AT).toISOString()}"`);
    expect(item.html).not.toContain('data-own');
    expect(item.html).not.toContain('<img');
    expect(injected(item.html)).toEqual([]);
  });

  it("marks the visitor's own DM and offers no shortcut on it", () => {
    const item = messageItem(
      { kind: 'person', key: 'you:d1', author: 'You', at: AT, text: 'hi', attachments: [], shortcut: false, own: true },
      noLinks,
    );
    expect(item.html).toContain('data-own=""');
    expect(item.html).not.toContain('data-shortcut');
  });

  it('shows a command as code, escaped', () => {
    const item = messageItem(
      { kind: 'command', key: 'c1', at: AT, text: '/save-tweet <script>alert(1)</script>' },
      noLinks,
    );
    expect(item.html).toContain('<code>/save-tweet &lt;script&gt;alert(1)&lt;/script&gt;</code>');
    expect(item.html).toContain('<span class="msg-author">You</span>');
    expect(injected(item.html)).toEqual([]);
  });

  it("shows the app's ephemeral answer with its badge; “Check your DMs” links to the DM panel", () => {
    const item = messageItem(
      { kind: 'app', key: 'eph:r1:0', at: AT, body: { text: 'Check your DMs' }, ephemeral: true, inDms: false },
      noLinks,
    );
    expect(item.html).toContain('<span class="app-badge">APP</span>');
    expect(item.html).toContain('Only visible to you');
    expect(item.html).toContain('<a href="#dms" class="to-dms">Check your DMs</a>');
    expect(item.html).toContain('msg-ephemeral');
  });

  it('keeps “Check your DMs” as text inside the DMs, and renders Block Kit buttons with the message key', () => {
    const body = {
      text: 'Saved',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Check your DMs' } },
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'undo', value: 'v1', text: { type: 'plain_text', text: 'Undo' } }],
        },
      ],
    };
    const item = messageItem(
      { kind: 'app', key: 'dm:1700000001.000100', at: AT, body, ephemeral: false, inDms: true },
      noLinks,
    );
    expect(item.html).not.toContain('to-dms');
    expect(item.html).not.toContain('Only visible to you');
    expect(item.html).toContain('dm:1700000001.000100');
    expect(item.html).toContain('Undo');
  });

  it("signs the sandbox's own notes as Slackbot, only for the visitor", () => {
    const item = messageItem(
      { kind: 'note', key: 'note:c1', at: AT, text: '/nope is not a valid command <here>' },
      noLinks,
    );
    expect(item.html).toContain('Slackbot (sandbox)');
    expect(item.html).toContain('Only visible to you');
    expect(item.html).toContain('/nope is not a valid command &lt;here&gt;');
  });
});

describe('notionLinks', () => {
  const { link } = notionLinks(shown);

  it('sends links to a live row to its row, to the table or a trashed row to the table, in any URL form', () => {
    expect(link!('https://www.notion.so/11111111111141118111111111111111')).toEqual({
      href: `#row-${LIVE.id}`,
      newTab: false,
    });
    expect(link!('https://notion.so/acme/Jack-11111111111141118111111111111111?pvs=4')).toEqual({
      href: `#row-${LIVE.id}`,
      newTab: false,
    });
    expect(link!('https://www.notion.so/aaaaaaaabbbb4ccc8dddeeeeeeeeeeee?v=1')).toEqual({
      href: '#table-ds-1',
      newTab: false,
    });
    expect(link!('https://www.notion.so/22222222222242228222222222222222')).toEqual({
      href: '#table-ds-1',
      newTab: false,
    });
  });

  it('sends other Notion objects to the Notion pane and everything else to a new tab', () => {
    expect(link!('https://www.notion.so/Some-Page-0123456789abcdef0123456789abcdef')).toEqual({
      href: '#notion',
      newTab: false,
    });
    expect(link!('https://x.com/jack/status/20')).toEqual({ href: 'https://x.com/jack/status/20', newTab: true });
  });
});

describe('tableHtml', () => {
  it('shows the live rows only, title first, links shortened, everything escaped', () => {
    const html = tableHtml(table, [LIVE, TRASHED]);
    expect(html).toContain(`<tr id="row-${LIVE.id}"><th scope="row">@jack</th>`);
    expect(html).toContain('<td class="col-rich_text">just &lt;b&gt;setting&lt;/b&gt; up</td>');
    expect(html).toContain(
      '<a href="https://x.com/jack/status/20" title="https://x.com/jack/status/20" target="_blank" ' +
        'rel="noopener noreferrer">x.com/jack/status/20</a>',
    );
    expect(html).not.toContain('@gone');
    expect(html).toContain('Acme · 1 row');
    expect(injected(html)).toEqual([]);
  });

  it('says how to fill an empty table, and names the page a table sits in', () => {
    const html = tableHtml({ ...table, parentPage: 'Reading' }, [TRASHED]);
    expect(html).toContain('<td colspan="3">No rows yet. Saved tweets appear here.</td>');
    expect(html).toContain('data-title="Tweets in Reading"');
    expect(html).toContain('aria-label="Notion table Tweets in Reading, Acme"');
    expect(html).toContain('Reading · Acme · 0 rows');
  });

  it('is the item of the table, under its data source id', () => {
    expect(tableItem({ table, rows: [] })).toEqual({ id: 'table-ds-1', html: tableHtml(table, []) });
  });
});

describe('propertyText', () => {
  it('reads title, rich text, url, date, number, tag and file values as one line, and nothing else', () => {
    expect(propertyText(LIVE.properties.Name)).toBe('@jack');
    expect(propertyText(LIVE.properties.Tweet)).toBe('just <b>setting</b> up');
    expect(propertyText({ type: 'url', url: null })).toBe('');
    expect(propertyText({ type: 'date', date: { start: 'not a date' } })).toBe('not a date');
    expect(propertyText({ type: 'date', date: { start: '2024-01-02T03:04:05.000Z' } })).toMatch(
      /^Jan 2, \d{1,2}:04 [AP]M$/,
    );
    expect(propertyText({ type: 'number', number: 3 })).toBe('3');
    expect(propertyText({ type: 'multi_select', multi_select: [{ name: 'ai' }, { name: 'reading' }] })).toBe(
      'ai, reading',
    );
    expect(propertyText({ type: 'files', files: [{ name: 'photo 1' }] })).toBe('photo 1');
    expect(propertyText({ type: 'checkbox', checkbox: true })).toBe('');
    expect(propertyText(null)).toBe('');
  });
});

describe('linkToDms', () => {
  it('links only the whole phrase', () => {
    expect(linkToDms('Check your DMs. Check your DMsx')).toBe(
      '<a href="#dms" class="to-dms">Check your DMs</a>. Check your DMsx',
    );
  });
});
