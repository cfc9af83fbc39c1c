import { escapeMarkdown } from 'discord.js';
import type { Formatter } from '../../chat/messages.js';

/** Characters that would end a masked link's text early. */
function escapeLinkText(text: string): string {
  return escapeMarkdown(text).replace(/[[\]]/g, (c) => `\\${c}`);
}

/** `)` and whitespace would end the link target of `[text](url)`; percent-encode them. */
function safeLinkTarget(url: string): string {
  return url.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * Discord markdown for the product's wording (`src/core/messages.ts`). Text that
 * comes from users or Notion (table names, handles) is escaped so it cannot add
 * formatting or links of its own.
 */
export const discordFormatter: Formatter = {
  bold: (text) => `**${escapeMarkdown(text)}**`,
  link: (url, text) => `[${escapeLinkText(text)}](${safeLinkTarget(url)})`,
  // Inline code cannot contain a backtick; a look-alike keeps the example readable.
  code: (text) => `\`${text.replace(/`/g, 'ˋ')}\``,
};
