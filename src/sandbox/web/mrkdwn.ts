/**
 * A tiny, safe Slack mrkdwn to HTML renderer for the sandbox page. Everything from data is escaped
 * first; only fixed tags (`a`, `strong`, `em`, `s`, `code`, `br`) are ever added around escaped text.
 */

import { escapeHtml } from '../escape-html.js';

export { escapeHtml };

/** Undoes the only three escapes Slack uses in mrkdwn (`&amp;`, `&lt;`, `&gt;`), in one pass. */
export function unescapeSlack(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_m, name: string) => ({ amp: '&', lt: '<', gt: '>' })[name] ?? _m);
}

/** Where a link points in the page: the href and whether it opens a new tab. */
export interface LinkTarget {
  href: string;
  newTab: boolean;
}

export interface MrkdwnOptions {
  /**
   * Maps a link's URL (already unescaped, http(s) only) to where the page should send it, e.g. a
   * Notion row's URL to its row in the page's table view. Default: the URL itself, in a new tab.
   */
  link?: (url: string) => LinkTarget;
}

const SAFE_URL = /^https?:\/\/[^\s]+$/i;

/** An `<a>` for a URL that passed SAFE_URL, or just the label when it did not. */
export function anchor(url: string, labelHtml: string, options: MrkdwnOptions = {}): string {
  if (!SAFE_URL.test(url)) return labelHtml;
  const target = options.link?.(url) ?? { href: url, newTab: true };
  const extra = target.newTab ? ' target="_blank" rel="noopener noreferrer"' : '';
  return `<a href="${escapeHtml(target.href)}"${extra}>${labelHtml}</a>`;
}

/** One `<…>` control sequence: a link, a mention, a channel or a special mention. */
function controlSequence(inner: string, options: MrkdwnOptions): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : inner.slice(bar + 1);
  const text = (s: string) => escapeHtml(unescapeSlack(s));
  if (target.startsWith('@')) return `<span class="mention">@${text(label ?? target.slice(1))}</span>`;
  if (target.startsWith('#')) return `<span class="mention">#${text(label ?? target.slice(1))}</span>`;
  if (target.startsWith('!')) return `<span class="mention">@${text(label ?? target.slice(1).split('^')[0]!)}</span>`;
  const url = unescapeSlack(target);
  return anchor(url, text(label ?? url), options);
}

/**
 * Applies `*bold*`, `_italic_` and `~strike~` to already-escaped text; markers need word boundaries like Slack's.
 * A span never contains a tag, so the tags it adds always nest properly.
 */
function emphasis(html: string): string {
  const wrap = (marker: string, tag: string) => (s: string) =>
    s.replace(
      new RegExp(
        `(^|[\\s(>\\uE000])\\${marker}(?=\\S)([^\\n<${marker}]*?[^\\s<])\\${marker}(?=$|[\\s.,!?:;)<\\uE000])`,
        'g',
      ),
      `$1<${tag}>$2</${tag}>`,
    );
  return wrap('~', 's')(wrap('_', 'em')(wrap('*', 'strong')(html)));
}

/**
 * Renders Slack mrkdwn to HTML: `<url|text>` links (http/https only, others become their label),
 * `<@U…>`/`<#C…|name>`/`<!here>` mentions, `` `code` ``, `*bold*`, `_italic_`, `~strike~`, newlines.
 * Text is escaped before any markup is added, so nothing in `text` can inject HTML.
 */
export function mrkdwnToHtml(text: string, options: MrkdwnOptions = {}): string {
  // Placeholders (indexes between U+E000, a private-use character) keep finished links and code spans out of the emphasis pass.
  const done: string[] = [];
  const hold = (html: string) => `\uE000${done.push(html) - 1}\uE000`;
  const clean = text.replace(/\uE000/g, '');
  let html = '';
  let last = 0;
  for (const m of clean.matchAll(/<([^<>\n]+)>/g)) {
    html += escapeHtml(unescapeSlack(clean.slice(last, m.index)));
    html += hold(controlSequence(m[1]!, options));
    last = m.index + m[0].length;
  }
  html += escapeHtml(unescapeSlack(clean.slice(last)));
  html = html.replace(/`([^`\n]+)`/g, (_m, code: string) => hold(`<code>${code}</code>`));
  html = emphasis(html).replace(/\n/g, '<br>');
  // Placeholders may nest (a link inside a code span is kept as text there, so only one level in practice).
  for (let i = 0; i < 3 && html.includes('\uE000'); i += 1) {
    html = html.replace(/\uE000(\d+)\uE000/g, (_m, n: string) => done[Number(n)] ?? '');
  }
  return html;
}
