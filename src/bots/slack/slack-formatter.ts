import type { Formatter } from '../../chat/messages.js';

/** Slack requires exactly these three characters to be escaped in mrkdwn text. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A URL inside `<url|text>`: `|` and `>` would end the link early, `&` must be an entity. */
function escapeLinkUrl(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
}

/** Slack mrkdwn for the core's wording (`*bold*`, `<url|text>`, `` `code` ``), escaping user-controlled text. */
export const slackFormatter: Formatter = {
  // A `*` inside the text would end the bold span; a lookalike keeps table names readable.
  bold: (text) => `*${escapeMrkdwn(text).replace(/\*/g, '∗')}*`,
  link: (url, text) => `<${escapeLinkUrl(url)}|${escapeMrkdwn(text).replace(/\|/g, '¦')}>`,
  code: (text) => `\`${escapeMrkdwn(text).replace(/`/g, 'ˋ')}\``,
  text: escapeMrkdwn,
};
