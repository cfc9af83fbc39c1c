import { hasWords } from './marked-text.js';

/** Who wrote a pasted tweet, and its text without the lines X's UI or an embed adds around it. */
export interface Attribution {
  handle?: string | undefined;
  authorName?: string | undefined;
  text?: string | undefined;
}

const MONTH = String.raw`(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?`;
/** X's relative and absolute timestamps: `21m`, `3h`, `now`, `Mar 21`, `Mar 21, 2006`, `21 Mar 2006`. */
const DATE = String.raw`(?:now|\d{1,2}\s?(?:s|m|h|d|min|mins|hr|hrs)|${MONTH} \d{1,2}(?:, \d{4})?|\d{1,2} ${MONTH}(?: \d{4})?)`;
const DATE_LINE = new RegExp(`^${DATE}$`, 'i');
/** The focused-tweet footer: `9:50 PM · Mar 21, 2006` (optionally `· 1.2M Views`). */
const TIME_DATE_LINE = new RegExp(String.raw`^\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?\s*·\s*${DATE}(?:\s*·.*)?$`);
const ENGAGEMENT_LINE =
  /^(?:·|[\d.,]+\s*[KMB]?|(?:·\s*)?(?:[\d.,]+\s*[KMB]?\s+)?(?:Views?|Reposts?|Retweets?|Quotes?|Quote Tweets?|Quote posts?|Likes?|Bookmarks?|Repl(?:y|ies)))$/i;
const HANDLE_LINE = /^@([A-Za-z0-9_]{1,15})$/;
/**
 * `— jack (@jack) March 21, 2006` at the end (embed blockquote text); `-` only at the start of a line; a literal
 * `&mdash;` survives when Slack escaped the `&` of pasted HTML.
 */
const BLOCKQUOTE_ATTRIBUTION = new RegExp(
  String.raw`(?:(?:^|\n)[ \t]*(?:[—–]|--?|&mdash;)|[ \t]*(?:[—–]|&mdash;))[ \t]*([^\n()]{0,50}?)[ \t]*\(@([A-Za-z0-9_]{1,15})\)(?:[ \t]+(?:[A-Z][a-z]+\.? \d{1,2}, \d{4}|${DATE}))?[ \t]*$`,
);
/** `Jack (@jack): text`, `Jack (@jack) on X: text`, or the same with a newline instead of the colon. */
const NAME_PAREN_HANDLE =
  /^([^\n()@:]{1,50}?)[ \t]*\(@([A-Za-z0-9_]{1,15})\)(?:[ \t]+on[ \t]+(?:X|Twitter))?[ \t]*(?::[ \t]*|\n|$)/;
/** `Jack @jack · 21m` (the name and handle on one line), optionally followed by text. */
const ONE_LINE_HEADER = new RegExp(String.raw`^(?:(.{1,50}?)\s+)?@([A-Za-z0-9_]{1,15})\s*·\s*(${DATE})(?:\s+|$)`, 'i');
const NAME_HANDLE_LINE = /^(.{1,50}?)\s+@([A-Za-z0-9_]{1,15})$/;
const LEADING_HANDLE = /^@([A-Za-z0-9_]{1,15})(?:[ \t]*:[ \t]*|[ \t]*\n|[ \t]+|$)/;

/**
 * Metadata lines (dates, counts, `Name @handle`) are short. Longer lines are never tested against those patterns,
 * and a header or an attribution is looked for only this near the edge of the text: that keeps every pattern's
 * work bounded, however long or strange the input.
 */
const META_LINE_MAX = 120;
const EDGE_CHARS = 240;
/** Stands in for the text beyond a probe's cut, so `$` cannot match there; it is no character the patterns take. */
const CUT = '\u0000(';

export function sameHandle(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

function isPlausibleName(line: string): boolean {
  return line.length > 0 && line.length <= 50 && !line.startsWith('@') && !/https?:\/\//i.test(line);
}

const isShort = (line: string) => line.length <= META_LINE_MAX;
const isMeta = (line: string): boolean => line === '·' || (isShort(line) && DATE_LINE.test(line));

/** The start of `text`, cut after {@link EDGE_CHARS} with a mark that no header pattern reads past. */
function headProbe(text: string): string {
  return text.length <= EDGE_CHARS ? text : text.slice(0, EDGE_CHARS) + CUT;
}

/** `BLOCKQUOTE_ATTRIBUTION` in the last characters of `text`; the index is into `text`. */
function findBlockquoteAttribution(text: string): { index: number; handle?: string; name?: string } | undefined {
  const from = Math.max(0, text.length - EDGE_CHARS);
  // Cut inside a line, the probe starts with a mark so that `^` does not take the cut for a line start.
  const midLine = from > 0 && text[from - 1] !== '\n';
  const probe = (midLine ? 'x' : '') + text.slice(from);
  const quote = BLOCKQUOTE_ATTRIBUTION.exec(probe);
  if (!quote) return undefined;
  return { index: from + quote.index - (midLine ? 1 : 0), handle: quote[2], name: quote[1] };
}

/** Drops the focused-tweet footer (`9:50 PM · Mar 21, 2006` and the counts after it); says whether it was there. */
function dropFooter(lines: string[]): { lines: string[]; footer: boolean } {
  for (let k = lines.length - 1; k >= 0; k--) {
    const line = lines[k] ?? '';
    if (isShort(line) && TIME_DATE_LINE.test(line)) return { lines: lines.slice(0, k), footer: true };
    if (line !== '' && !(isShort(line) && ENGAGEMENT_LINE.test(line))) break;
  }
  return { lines, footer: false };
}

/**
 * Finds the author in X's copy/embed formats and returns the tweet text without those metadata lines.
 * `linkHandle` (from a tweet link) decides whether a leading `@someone` names the author or starts a reply.
 * Linear in the length of `input`. Pure; never throws.
 */
export function extractAttribution(input: string, linkHandle: string | undefined): Attribution {
  const result: Attribution = {};
  const note = (handle: string | undefined, name: string | undefined): void => {
    if (handle !== undefined) result.handle ??= handle;
    const trimmed = name?.trim();
    if (trimmed) result.authorName ??= trimmed;
  };
  const withoutFooter = dropFooter(input.split('\n'));
  let lines = withoutFooter.lines;
  let text = lines.join('\n').trim();

  const quote = findBlockquoteAttribution(text);
  if (quote) {
    note(quote.handle, quote.name);
    text = text.slice(0, quote.index).trim();
  }

  const paren = NAME_PAREN_HANDLE.exec(headProbe(text));
  if (paren) {
    note(paren[2], paren[1]);
    text = text.slice(paren[0].length).trim();
  } else {
    lines = text.split('\n');
    const [first = '', second = '', third = ''] = lines;
    let consumed = 0;
    const oneLine = ONE_LINE_HEADER.exec(headProbe(first));
    const nameHandle = isShort(first) ? NAME_HANDLE_LINE.exec(first) : null;
    const handleOnly = HANDLE_LINE.exec(first);
    const handleSecond = HANDLE_LINE.exec(second);
    if (oneLine) {
      note(oneLine[2], oneLine[1]);
      const rest = first.slice(oneLine[0].length);
      lines[0] = rest;
      consumed = rest ? 0 : 1;
    } else if (nameHandle && lines.length > 1 && isMeta(second)) {
      note(nameHandle[2], nameHandle[1]);
      consumed = 1;
    } else if (
      handleSecond &&
      isPlausibleName(first) &&
      (lines.length === 2 || isMeta(third) || withoutFooter.footer)
    ) {
      // `Name\n@handle` then `·`/date (timeline copy), or then the text when the focused-tweet footer was there.
      note(handleSecond[1], first);
      consumed = 2;
    } else if (handleOnly && lines.length > 1 && isMeta(second)) {
      note(handleOnly[1], undefined);
      consumed = 1;
    }
    if (consumed > 0) {
      while (consumed < lines.length && isMeta(lines[consumed] ?? '')) consumed++;
      if (/^Replying to\b/i.test(lines[consumed] ?? '')) {
        consumed++;
        while (
          consumed < lines.length &&
          /^(?:@[A-Za-z0-9_]{1,15}|and|,|and \d+ others?)$/i.test(lines[consumed] ?? '')
        ) {
          consumed++;
        }
      }
      lines = lines.slice(consumed);
    }
    text = lines.join('\n').trim();
    if (consumed === 0 && !oneLine) {
      // `@jack text`: the author, unless a link already names a different author (then it is a reply).
      const leading = LEADING_HANDLE.exec(text);
      if (leading && (linkHandle === undefined || sameHandle(leading[1], linkHandle))) {
        note(leading[1], undefined);
        text = text.slice(leading[0].length).trim();
      }
    }
  }

  if (hasWords(text)) result.text = text;
  return result;
}
