import type { Formatter } from '../../chat/messages.js';

/**
 * Characters Discord markdown acts on anywhere in a line: emphasis and spoilers (`* _ ~ |`), code
 * (`` ` ``), masked links (`[ ]`), mentions, channels, roles, timestamps, emoji and slash-command
 * links (all start with `<`), `@everyone` / `@here`, block quotes (`>`) and the backslash itself.
 * Discord shows a backslash before ASCII punctuation as that character alone: the escapes are invisible.
 */
const INLINE_SPECIAL = /[\\*_~|`[\]<>@]/g;

/** What starts a heading, list or subtext (`-#`) when it opens a line: `#`, `-`, `+`, or `1.` / `1)`. */
const LINE_START = /^(\s*)(?:([#+-])|(\d+)([.)]))/;

/**
 * Text from users or Notion (table, page and workspace names, handles) as literal Discord text:
 * every markdown, link and mention construct is escaped so it shows as typed and cannot format,
 * link or ping. Line breaks become spaces (names are one line; a break would open a heading or
 * list), and `://` is broken up so a bare URL is not turned into a link.
 */
export function escapeDiscordText(text: string): string {
  const oneLine = text.replace(/\r\n|[\n\r\u2028\u2029\u0085]/g, ' ');
  const escaped = oneLine.replace(INLINE_SPECIAL, (c) => `\\${c}`).replace(/:(?=\/\/)/g, '\\:');
  // Callers put names mid-line, but a name that opens a line must not open a heading or list either.
  return escaped.replace(LINE_START, (_m, lead: string, mark: string | undefined, digits: string, dot: string) =>
    mark !== undefined ? `${lead}\\${mark}` : `${lead}${digits}\\${dot}`,
  );
}

/** Only web links become masked links; anything else would show as raw text in the brackets' place. */
const WEB_URL = /^https?:\/\/[^\s]+$/i;

/** `)` and whitespace would end the link target of `[text](url)`; percent-encode them. */
function safeLinkTarget(url: string): string {
  return url.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * Discord markdown for the product's wording (`src/core/messages.ts`). Text that comes from users
 * or Notion is escaped with {@link escapeDiscordText}, so the only links in a message are ours.
 */
export const discordFormatter: Formatter = {
  bold: (text) => `**${escapeDiscordText(text)}**`,
  link: (url, text) =>
    WEB_URL.test(url.trim())
      ? `[${escapeDiscordText(text)}](${safeLinkTarget(url.trim())})`
      : `**${escapeDiscordText(text)}**`,
  // Inside inline code Discord renders nothing (no markdown, links or mentions) and ignores backslashes;
  // only a backtick would end it early, so a look-alike keeps the example readable.
  code: (text) => `\`${text.replace(/\r\n|[\n\r]/g, ' ').replace(/`/g, 'ˋ')}\``,
  text: escapeDiscordText,
};
