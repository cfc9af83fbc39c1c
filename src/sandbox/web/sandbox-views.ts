import type { SandboxRow } from '../notion/notion-sandbox.js';
import type { SeededTable } from '../sandbox-seed.js';
import { renderAttachment, renderMessageBody } from './block-kit-html.js';
import { escapeHtml, mrkdwnToHtml, type LinkTarget, type MrkdwnOptions } from './mrkdwn.js';

/**
 * The sandbox page's HTML, as pure functions of what the session shows: each message in #general
 * and in the app's DM, and each Notion table. Everything from Slack, Notion or the visitor is
 * escaped here; `sandbox-session.ts` decides what is shown, in which order, and sends the requests.
 */

/** A message body as Slack stores it (an ack, a response_url answer, a DM). */
export interface MessageBody {
  text?: string | undefined;
  blocks?: unknown[] | undefined;
}

/** One message in a list on the page: a stable id and its (escaped) HTML. */
export interface ViewItem {
  id: string;
  html: string;
}

/** Everything the page shows, polled as JSON. */
export interface SandboxView {
  channel: ViewItem[];
  dms: ViewItem[];
  tables: ViewItem[];
  /** A modal the app opened (views.open) and the visitor has not submitted or closed yet. */
  modal?: ModalView | undefined;
}

/** An opened modal as the page shows it: its plain-text inputs. */
export interface ModalView {
  id: string;
  title: string;
  submit: string;
  inputs: { blockId: string; label: string; multiline: boolean; placeholder: string }[];
}

/** A message the page shows, before rendering. `key` is its id on the page and in clicks. */
export type ShownMessage =
  /** A person's message (in #general, or the visitor's in the DM): mrkdwn text and link previews. */
  | {
      kind: 'person';
      key: string;
      author: string;
      at: number;
      text: string;
      attachments: unknown[];
      /** In #general: offers "Save to Notion" (the message shortcut). */
      shortcut: boolean;
      /** The visitor's own DM, shown on their side. */
      own: boolean;
    }
  /** A slash command as the visitor typed it. */
  | { kind: 'command'; key: string; at: number; text: string }
  /** What the app posted or answered, as it is now (after any replace_original). */
  | { kind: 'app'; key: string; at: number; body: MessageBody; ephemeral: boolean; inDms: boolean }
  /** The sandbox's own word on what happened (an unknown command, an HTTP error). */
  | { kind: 'note'; key: string; at: number; text: string };

/** A Notion table and all its rows, trashed ones included (links to those go to the table). */
export interface ShownTable {
  table: SeededTable;
  rows: SandboxRow[];
}

export const APP_NAME = 'Save to Notion';
/** How the visitor's own messages are signed on the page. */
export const VISITOR_NAME = 'You';

/** One message as a page item. */
export function messageItem(m: ShownMessage, links: MrkdwnOptions): ViewItem {
  switch (m.kind) {
    case 'person': {
      const attachments = m.attachments.map((a) => renderAttachment(a, links)).join('');
      const body = `<div class="bk-section">${mrkdwnToHtml(m.text, links)}</div>${attachments}`;
      const html = messageHtml({
        key: m.key,
        author: m.author,
        app: false,
        at: m.at,
        ephemeral: false,
        body,
        ...(m.shortcut ? { shortcutFor: m.key } : {}),
        ...(m.own ? { own: true } : {}),
      });
      return { id: m.key, html };
    }
    case 'command': {
      const body = `<div class="bk-section command-text"><code>${escapeHtml(m.text)}</code></div>`;
      return {
        id: m.key,
        html: messageHtml({ key: m.key, author: VISITOR_NAME, app: false, at: m.at, ephemeral: false, body }),
      };
    }
    case 'app': {
      const rendered = renderMessageBody(m.body, { ...links, messageKey: m.key });
      const body = m.inDms ? rendered : linkToDms(rendered);
      return {
        id: m.key,
        html: messageHtml({ key: m.key, author: APP_NAME, app: true, at: m.at, ephemeral: m.ephemeral, body }),
      };
    }
    case 'note': {
      const body = `<div class="bk-section">${escapeHtml(m.text)}</div>`;
      return {
        id: m.key,
        html: messageHtml({ key: m.key, author: 'Slackbot (sandbox)', app: false, at: m.at, ephemeral: true, body }),
      };
    }
  }
}

/** A table as a page item. */
export function tableItem(t: ShownTable): ViewItem {
  return { id: `table-${t.table.dataSourceId}`, html: tableHtml(t.table, t.rows) };
}

/**
 * Links to Notion objects stay on the page, whose Notion pane shows the emulated workspace (the
 * objects are not on notion.so): a row's URL jumps to its row, a table's (its database's or its
 * data source's URL, in any form Notion writes it) to that table, and any other Notion object (a
 * page, a trashed row) to the pane. Other links open in a new tab.
 */
export function notionLinks(tables: ShownTable[]): MrkdwnOptions {
  const local = new Map<string, string>();
  for (const { table: t, rows } of tables) {
    const table = `#table-${t.dataSourceId}`;
    local.set(compactId(t.databaseId), table);
    local.set(compactId(t.dataSourceId), table);
    for (const row of rows) local.set(compactId(row.id), row.inTrash ? table : `#row-${row.id}`);
  }
  return {
    link: (url: string): LinkTarget => {
      const id = notionObjectId(url);
      return id === undefined ? { href: url, newTab: true } : { href: local.get(id) ?? '#notion', newTab: false };
    },
  };
}

/** A table as Notion shows it: its columns with their type glyphs, the live rows, where it is and how many rows. */
export function tableHtml(t: SeededTable, allRows: SandboxRow[]): string {
  const rows = allRows.filter((r) => !r.inTrash);
  const head = t.columns
    .map(
      (c) =>
        `<th scope="col"><span class="col-type" aria-hidden="true">${COLUMN_ICONS[c.type] ?? ''}</span>${escapeHtml(c.name)}</th>`,
    )
    .join('');
  const body = rows.length
    ? rows
        .map((r) => {
          const cells = t.columns
            .map((c, i) => {
              const value = propertyText(r.properties[c.name]);
              const html =
                c.type === 'url' && /^https?:\/\//i.test(value)
                  ? `<a href="${escapeHtml(value)}" title="${escapeHtml(value)}" target="_blank" rel="noopener noreferrer">${escapeHtml(value.replace(/^https?:\/\/(www\.)?/i, ''))}</a>`
                  : escapeHtml(value);
              return i === 0 ? `<th scope="row">${html}</th>` : `<td class="col-${escapeHtml(c.type)}">${html}</td>`;
            })
            .join('');
          return `<tr id="row-${escapeHtml(r.id)}">${cells}</tr>`;
        })
        .join('')
    : `<tr class="empty"><td colspan="${t.columns.length}">No rows yet. Saved tweets appear here.</td></tr>`;
  const count = `${rows.length} ${rows.length === 1 ? 'row' : 'rows'}`;
  // Two tables may have the same title (a "Tweets" the bot created in a page beside the seeded one): the page tells them apart.
  const where = t.parentPage === undefined ? t.workspace : `${t.parentPage}, ${t.workspace}`;
  const name = t.parentPage === undefined ? t.title : `${t.title} in ${t.parentPage}`;
  const meta = [t.parentPage, t.workspace, count].filter((x) => x !== undefined).join(' · ');
  return (
    `<section class="notion-table" id="table-${escapeHtml(t.dataSourceId)}" data-title="${escapeHtml(name)}" aria-label="${escapeHtml(`Notion table ${t.title} in ${where}`)}">` +
    `<h3><span class="nt-icon" aria-hidden="true">▦</span> ${escapeHtml(t.title)} <span class="nt-meta">${escapeHtml(meta)}</span></h3>` +
    `<div class="table-scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>` +
    pagesHtml(rows, t.columns.find((c) => c.type === 'title')?.name) +
    `</section>`
  );
}

const richPlain = (items: unknown): string =>
  Array.isArray(items)
    ? items
        .map((i) => (i && typeof i === 'object' ? String((i as { plain_text?: unknown }).plain_text ?? '') : ''))
        .join('')
    : '';
const httpLink = (url: string, label: string) =>
  /^https?:\/\//i.test(url)
    ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}</a>`
    : escapeHtml(label);

/** One block of a row's page as the Notion pane shows it (images as their caption and link: the page loads none). */
export function blockHtml(block: unknown): string {
  if (!block || typeof block !== 'object') return '';
  const b = block as Record<string, unknown> & { type?: string };
  const body = (b.type ? b[b.type] : undefined) as Record<string, unknown> | undefined;
  if (!b.type || !body) return '';
  const text = escapeHtml(richPlain(body.rich_text)).replace(/\n/g, '<br>');
  const caption = richPlain(body.caption);
  const url = String((body.external as { url?: unknown } | undefined)?.url ?? body.url ?? '');
  switch (b.type) {
    case 'quote':
      return `<blockquote>${text}</blockquote>`;
    case 'paragraph':
      return `<p>${text}</p>`;
    case 'callout':
      return `<div class="nt-callout">${escapeHtml(String((body.icon as { emoji?: unknown } | null)?.emoji ?? ''))} ${text}</div>`;
    case 'image':
      return `<figure class="nt-image">🖼 ${httpLink(url, caption || 'Image')}</figure>`;
    case 'bookmark':
      return `<p class="nt-bookmark">🔖 ${httpLink(url, caption || url)}</p>`;
    case 'embed':
      return `<p class="nt-embed">Embedded: ${httpLink(url, url)}</p>`;
    case 'divider':
      return '<hr>';
    default:
      return `<p>${text}</p>`;
  }
}

/** The pages of the rows that have a body, each folded under its title (outside the table, so rows stay one line). */
function pagesHtml(rows: SandboxRow[], titleColumn: string | undefined): string {
  const withBody = rows.filter((r) => r.children.length > 0);
  if (withBody.length === 0) return '';
  const pages = withBody.map((r) => {
    const title = titleColumn ? propertyText(r.properties[titleColumn]) : '';
    return `<details class="nt-page" id="page-${escapeHtml(r.id)}"><summary>Page: ${escapeHtml(title || 'Untitled')}</summary>${r.children.map(blockHtml).join('')}</details>`;
  });
  return `<div class="nt-pages">${pages.join('')}</div>`;
}

/** A Notion property value as one line of text. */
export function propertyText(value: unknown): string {
  if (value === null || typeof value !== 'object') return '';
  const v = value as {
    type?: string;
    title?: { plain_text?: string }[];
    rich_text?: { plain_text?: string }[];
    url?: string | null;
    date?: { start?: string } | null;
    multi_select?: { name?: string }[];
    files?: { name?: string }[];
    number?: number | null;
  };
  switch (v.type) {
    case 'multi_select':
      return (v.multi_select ?? []).map((o) => o.name ?? '').join(', ');
    case 'files':
      return (v.files ?? []).map((f) => f.name ?? '').join(', ');
    case 'number':
      return v.number === null || v.number === undefined ? '' : String(v.number);
    case 'title':
      return (v.title ?? []).map((t) => t.plain_text ?? '').join('');
    case 'rich_text':
      return (v.rich_text ?? []).map((t) => t.plain_text ?? '').join('');
    case 'url':
      return v.url ?? '';
    case 'date': {
      const start = v.date?.start;
      if (!start) return '';
      const d = new Date(start);
      return Number.isNaN(d.getTime())
        ? start
        : d.toLocaleString('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
    }
    default:
      return '';
  }
}

/**
 * In Slack "Check your DMs" means the sidebar; here the DMs are a panel (below the channel on a phone),
 * so the words become a link to it. Applied to rendered, escaped HTML: the phrase only occurs as text.
 */
export function linkToDms(html: string): string {
  return html.replace(/\bCheck your DMs\b/g, '<a href="#dms" class="to-dms">$&</a>');
}

const initials = (name: string) =>
  name
    .replace(/[^\p{L}\p{N} ]/gu, '')
    .split(' ')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase())
    .join('')
    .slice(0, 2) || '?';
const timeLabel = (ms: number) => new Date(ms).toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });

const svg = (body: string) =>
  `<svg class="icon" viewBox="0 0 20 20" width="14" height="14" aria-hidden="true" focusable="false">${body}</svg>`;
const STROKE = 'fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"';
/** Notion's column-type glyphs, drawn inline (no emoji font or image needed). */
const COLUMN_ICONS: Record<string, string> = {
  title: 'Aa',
  rich_text: svg(`<path ${STROKE} d="M4 6h12M4 10h12M4 14h8"/>`),
  url: svg(
    `<path ${STROKE} d="M8.5 11.5l3-3M7.5 9.5 6 11a2.5 2.5 0 0 0 3.5 3.5l1.5-1.5M12.5 10.5 14 9a2.5 2.5 0 0 0-3.5-3.5L9 7"/>`,
  ),
  date: svg(
    `<rect ${STROKE} x="3.5" y="4.5" width="13" height="12" rx="2"/><path ${STROKE} d="M3.5 8.5h13M7 3v3M13 3v3"/>`,
  ),
};
const EYE_ICON = svg(
  '<path fill="currentColor" d="M10 4C5 4 1.7 8.3 1.1 9.4a1.2 1.2 0 0 0 0 1.2C1.7 11.7 5 16 10 16s8.3-4.3 8.9-5.4a1.2 1.2 0 0 0 0-1.2C18.3 8.3 15 4 10 4zm0 10a4 4 0 1 1 0-8 4 4 0 0 1 0 8zm0-6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z"/>',
);

/** A Notion id without dashes, lowercase: the form it takes in a notion.so URL. */
function compactId(id: string): string {
  return id.replace(/-/g, '').toLowerCase();
}

/** `https://www.notion.so/<id>`, `…/<Title>-<id>`, `…/<workspace>/<id>?v=…`: the object's compact id. */
const NOTION_OBJECT_URL = /^https?:\/\/(?:www\.)?notion\.so\/(?:[^?#\s]*[/-])?([0-9a-f]{32})(?:[?#]\S*)?$/i;

function notionObjectId(url: string): string | undefined {
  return NOTION_OBJECT_URL.exec(url)?.[1]?.toLowerCase();
}

function messageHtml(m: {
  key: string;
  author: string;
  app: boolean;
  at: number;
  ephemeral: boolean;
  body: string;
  shortcutFor?: string;
  own?: boolean;
}): string {
  const tone = m.app ? 'app' : `tone-${[...m.author].reduce((n, c) => n + c.charCodeAt(0), 0) % 5}`;
  const avatar = m.app ? 'N' : initials(m.author);
  const eph = m.ephemeral ? `<div class="eph-note">${EYE_ICON} Only visible to you</div>` : '';
  const badge = m.app ? ' <span class="app-badge">APP</span>' : '';
  const action = m.shortcutFor
    ? `<div class="msg-actions"><button type="button" class="shortcut" data-shortcut="${escapeHtml(m.shortcutFor)}">Save to Notion</button>` +
      `<button type="button" class="shortcut" data-shortcut="${escapeHtml(m.shortcutFor)}" data-thread="">Save thread to Notion</button></div>`
    : '';
  return (
    `<article class="msg${m.ephemeral ? ' msg-ephemeral' : ''}"${m.own ? ' data-own=""' : ''} aria-label="${escapeHtml(`${m.ephemeral ? 'Only visible to you: ' : ''}message from ${m.author}`)}">` +
    `<div class="avatar ${tone}" aria-hidden="true">${escapeHtml(avatar)}</div>` +
    `<div class="msg-main">${eph}<div class="msg-meta"><span class="msg-author">${escapeHtml(m.author)}</span>${badge} ` +
    `<time datetime="${new Date(m.at).toISOString()}">${escapeHtml(timeLabel(m.at))}</time></div>` +
    `<div class="msg-body">${m.body}</div>${action}</div></article>`
  );
}
