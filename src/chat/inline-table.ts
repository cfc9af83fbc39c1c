import { parseTweetLink } from '../tweets/tweet-link.js';

const LINK_THEN_TABLE = /^\s*(<[^>\s]+>|\S+)\s+to\s+(\S.{0,99})$/is;

/**
 * `/save-tweet <tweet link> to <table name>`: splits off the table name, for `Core.saveTweet`'s
 * `table` option. Only the `/save-tweet` handlers call it: in shortcuts and DMs the same words are
 * someone's message. Only this exact shape counts (a tweet link, then "to", then the name), so
 * tweet text that happens to contain " to " is never mistaken for a table choice.
 */
export function splitTableChoice(text: string): { text: string; tableName?: string } {
  const match = LINK_THEN_TABLE.exec(text);
  if (!match) return { text };
  const [, link, name] = match;
  const bare = link!.replace(/^<([^|>]+)(\|[^>]*)?>$/, '$1');
  if (!parseTweetLink(bare)) return { text };
  return { text: link!, tableName: name!.trim() };
}
