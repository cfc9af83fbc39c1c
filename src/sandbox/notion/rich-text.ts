import { bodyValidationError, tooLong, validationError } from './errors.js';
import { isRecord } from './http-io.js';

/** Notion's limits for rich text (developers.notion.com/reference/request-limits). */
export const MAX_RICH_TEXT_ITEMS = 100;
export const MAX_TEXT_CONTENT = 2000;
export const MAX_URL = 2000;
const MAX_EQUATION = 1000;

const COLORS: ReadonlySet<string> = new Set(
  ['default', 'gray', 'brown', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'red'].flatMap((c) =>
    c === 'default' ? [c, 'default_background'] : [c, `${c}_background`],
  ),
);
const ANNOTATION_FLAGS = ['bold', 'italic', 'strikethrough', 'underline', 'code'] as const;

/** One rich text item in the API's response shape. */
export interface RichTextResponse {
  type: string;
  [key: string]: unknown;
  plain_text: string;
  href: string | null;
}

function defaultAnnotations(): Record<string, unknown> {
  return { bold: false, italic: false, strikethrough: false, underline: false, code: false, color: 'default' };
}

/** Plain text as a one-item rich text array, the way Notion returns an unformatted title. */
export function plainRichText(text: string): RichTextResponse[] {
  if (text === '') return [];
  return [
    {
      type: 'text',
      text: { content: text, link: null },
      annotations: defaultAnnotations(),
      plain_text: text,
      href: null,
    },
  ];
}

/** The concatenated plain text of a rich text array. */
export function plainText(items: unknown): string {
  if (!Array.isArray(items)) return '';
  return items.map((i) => (isRecord(i) && typeof i.plain_text === 'string' ? i.plain_text : '')).join('');
}

/** True for absolute http(s)/mailto URLs and same-site paths, which is what Notion accepts for links. */
export function isAcceptableUrl(url: string): boolean {
  if (url.startsWith('/')) return true;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

function annotations(value: unknown, path: string): Record<string, unknown> {
  const result = defaultAnnotations();
  if (value === undefined) return result;
  if (!isRecord(value)) throw bodyValidationError(path, 'should be an object');
  for (const [key, v] of Object.entries(value)) {
    if ((ANNOTATION_FLAGS as readonly string[]).includes(key)) {
      if (typeof v !== 'boolean')
        throw bodyValidationError(`${path}.${key}`, `should be a boolean, instead was \`${JSON.stringify(v)}\``);
      result[key] = v;
    } else if (key === 'color') {
      if (typeof v !== 'string' || !COLORS.has(v))
        throw bodyValidationError(`${path}.color`, `should be a valid color, instead was \`${JSON.stringify(v)}\``);
      result.color = v;
    } else {
      throw bodyValidationError(path, `should not have property \`${key}\``);
    }
  }
  return result;
}

function textItem(item: Record<string, unknown>, path: string): RichTextResponse {
  const text = item.text;
  if (!isRecord(text)) throw bodyValidationError(`${path}.text`, 'should be an object');
  if (typeof text.content !== 'string') throw bodyValidationError(`${path}.text.content`, 'should be a string');
  if (text.content.length > MAX_TEXT_CONTENT)
    throw tooLong(`${path}.text.content`, MAX_TEXT_CONTENT, text.content.length);
  let link: { url: string } | null = null;
  if (text.link !== undefined && text.link !== null) {
    if (!isRecord(text.link) || typeof text.link.url !== 'string')
      throw bodyValidationError(`${path}.text.link.url`, 'should be a string');
    if (text.link.url.length > MAX_URL) throw tooLong(`${path}.text.link.url`, MAX_URL, text.link.url.length);
    if (!isAcceptableUrl(text.link.url)) throw validationError('Invalid URL for link.');
    link = { url: text.link.url };
  }
  return {
    type: 'text',
    text: { content: text.content, link },
    annotations: annotations(item.annotations, `${path}.annotations`),
    plain_text: text.content,
    href: link?.url ?? null,
  };
}

function equationItem(item: Record<string, unknown>, path: string): RichTextResponse {
  const eq = item.equation;
  if (!isRecord(eq) || typeof eq.expression !== 'string')
    throw bodyValidationError(`${path}.equation.expression`, 'should be a string');
  if (eq.expression.length > MAX_EQUATION)
    throw tooLong(`${path}.equation.expression`, MAX_EQUATION, eq.expression.length);
  return {
    type: 'equation',
    equation: { expression: eq.expression },
    annotations: annotations(item.annotations, `${path}.annotations`),
    plain_text: eq.expression,
    href: null,
  };
}

function mentionItem(item: Record<string, unknown>, path: string): RichTextResponse {
  const mention = item.mention;
  if (!isRecord(mention)) throw bodyValidationError(`${path}.mention`, 'should be an object');
  const kind = ['user', 'page', 'database', 'date'].find((k) => k in mention);
  if (!kind) throw bodyValidationError(`${path}.mention`, 'should define one of `user`, `page`, `database`, `date`');
  const target = mention[kind];
  if (!isRecord(target)) throw bodyValidationError(`${path}.mention.${kind}`, 'should be an object');
  const plain = kind === 'date' ? String(target.start ?? '') : kind === 'user' ? '@Unknown' : 'Untitled';
  return {
    type: 'mention',
    mention: { type: kind, [kind]: target },
    annotations: annotations(item.annotations, `${path}.annotations`),
    plain_text: plain,
    href: null,
  };
}

/** Validates a request rich text array against Notion's limits and returns it in response shape. */
export function normalizeRichText(value: unknown, path: string): RichTextResponse[] {
  if (!Array.isArray(value))
    throw bodyValidationError(path, `should be an array, instead was \`${JSON.stringify(value)}\``);
  if (value.length > MAX_RICH_TEXT_ITEMS) throw tooLong(path, MAX_RICH_TEXT_ITEMS, value.length);
  return value.map((item: unknown, i) => {
    const itemPath = `${path}[${i}]`;
    if (!isRecord(item)) throw bodyValidationError(itemPath, 'should be an object');
    const type = typeof item.type === 'string' ? item.type : ['text', 'mention', 'equation'].find((k) => k in item);
    if (type === 'text') return textItem(item, itemPath);
    if (type === 'equation') return equationItem(item, itemPath);
    if (type === 'mention') return mentionItem(item, itemPath);
    throw bodyValidationError(itemPath, 'should define one of `text`, `mention`, `equation`');
  });
}
