import { placeLink, withoutPlaceholders, type MarkedLink, type MarkedText } from '../tweets/marked-text.js';

/**
 * Chat markup decoded into the platform-neutral {@link MarkedText} the tweet parser reads. Adapters call these on
 * what a person typed (command text, a message, a preview's text) before it reaches core. Pure; never throw; linear.
 */

type AngleDecoder = (inner: string, links: MarkedLink[]) => string | undefined;

/** `<…>` spans (no nesting, no newline) through `decode`; a span it does not know stays as written. */
function decodeAngles(raw: string, decode: AngleDecoder): MarkedText {
  const links: MarkedLink[] = [];
  const text = withoutPlaceholders(raw)
    .replace(/\r\n?/g, '\n')
    .replace(/<([^<>\n]+)>/g, (whole, inner: string) => decode(inner, links) ?? whole);
  return links.length > 0 ? { text, links } : { text };
}

const ANGLE_LINK = /^(https?:\/\/[^|\s]+)(?:\|([^]*))?$/i;

/**
 * Slack's message format: `<url>` and `<url|label>`, `<mailto:…|…>`, user and group mentions (addressed to chat
 * members, not X handles: dropped), `<#C…|name>` channels, `<!date^…|fallback>`, `<!here>` and other specials.
 * Slack's `&amp;`/`&lt;`/`&gt;` escapes are left for the parser, which decodes every HTML entity once.
 */
export function decodeSlackMarkup(raw: string): MarkedText {
  return decodeAngles(raw, (inner, links) => {
    const link = ANGLE_LINK.exec(inner);
    if (link) return placeLink(links, link[1] ?? '', link[2]);
    const mailto = /^mailto:([^|]+)(?:\|(.*))?$/i.exec(inner);
    if (mailto) return mailto[2] ?? mailto[1] ?? '';
    if (/^@[UWB][A-Z0-9]+(?:\|.*)?$/.test(inner)) return '';
    const channel = /^#[A-Z0-9]+\|(.+)$/.exec(inner);
    if (channel) return `#${channel[1] ?? ''}`;
    if (/^#[A-Z0-9]+$/.test(inner)) return '';
    const date = /^!date\^[^|]*\|(.+)$/.exec(inner);
    if (date) return date[1] ?? '';
    if (inner.startsWith('!')) return '';
    return undefined;
  });
}

const MASKED_LINK = /\[([^[\]\n]+)\]\(\s*<?(https?:\/\/[^\s()<>]+)>?\s*\)/gi;

/**
 * Discord's markdown: `<url>` (a link without its embed), masked links `[label](url)`, user / role / channel
 * mentions (dropped), custom emoji `<:name:id>` (as `:name:`) and timestamps `<t:…>` (dropped).
 */
export function decodeDiscordMarkup(raw: string): MarkedText {
  const angled = decodeAngles(raw, (inner, links) => {
    const link = ANGLE_LINK.exec(inner);
    if (link) return placeLink(links, link[1] ?? '', link[2]);
    if (/^@[!&]?\d+$/.test(inner) || /^#\d+$/.test(inner)) return '';
    const emoji = /^a?:(\w+):\d+$/.exec(inner);
    if (emoji) return `:${emoji[1] ?? ''}:`;
    if (/^t:-?\d+(?::[a-zA-Z])?$/.test(inner)) return '';
    return undefined;
  });
  const links = [...(angled.links ?? [])];
  const text = angled.text.replace(
    MASKED_LINK,
    (whole: string, label: string, url: string) => placeLink(links, url, label) ?? whole,
  );
  return links.length > 0 ? { text, links } : { text };
}
