import { bodyValidationError, tooLong, validationError } from './errors.js';
import { isRecord } from './http-io.js';
import { newId } from './ids.js';
import { MAX_URL, isAcceptableUrl, normalizeRichText } from './rich-text.js';

/** Notion accepts at most 100 blocks per children array. */
const MAX_CHILDREN = 100;
/** And at most 1,000 blocks in one request, nested ones included, two levels deep. */
const MAX_BLOCKS_PER_REQUEST = 1000;
const MAX_DEPTH = 2;
const RICH_TEXT_BLOCKS = new Set([
  'paragraph',
  'heading_1',
  'heading_2',
  'heading_3',
  'bulleted_list_item',
  'numbered_list_item',
  'quote',
  'callout',
  'to_do',
  'toggle',
  'code',
]);
const URL_BLOCKS = new Set(['bookmark', 'embed', 'link_preview']);
const MEDIA_BLOCKS = new Set(['image', 'video', 'pdf', 'file', 'audio']);
const OTHER_BLOCKS = new Set(['divider', 'table_of_contents', 'breadcrumb', 'equation']);
const COLORS = new Set(
  ['default', 'gray', 'brown', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'red'].flatMap((c) =>
    c === 'default' ? [c] : [c, `${c}_background`],
  ),
);
/** The fields each kind of block takes in a request; anything else is refused, as Notion does. */
const ALLOWED_KEYS: Record<string, readonly string[]> = {
  rich: ['rich_text', 'color', 'children'],
  callout: ['rich_text', 'color', 'children', 'icon'],
  to_do: ['rich_text', 'color', 'children', 'checked'],
  code: ['rich_text', 'language', 'caption'],
  heading: ['rich_text', 'color', 'is_toggleable', 'children'],
  url: ['url', 'caption'],
  media: ['type', 'external', 'caption', 'name'],
  divider: [],
  table_of_contents: ['color'],
  breadcrumb: [],
  equation: ['expression'],
};

function allowedKeys(type: string): readonly string[] {
  if (type === 'callout' || type === 'to_do' || type === 'code') return ALLOWED_KEYS[type]!;
  if (type.startsWith('heading_')) return ALLOWED_KEYS.heading!;
  if (RICH_TEXT_BLOCKS.has(type)) return ALLOWED_KEYS.rich!;
  if (URL_BLOCKS.has(type)) return ALLOWED_KEYS.url!;
  if (MEDIA_BLOCKS.has(type)) return ALLOWED_KEYS.media!;
  return ALLOWED_KEYS[type] ?? [];
}

function urlField(value: unknown, path: string): string {
  if (typeof value !== 'string')
    throw bodyValidationError(path, `should be a string, instead was \`${JSON.stringify(value)}\``);
  if (value.length > MAX_URL) throw tooLong(path, MAX_URL, value.length);
  if (value === '' || !isAcceptableUrl(value)) throw validationError(`Invalid URL: ${path}`);
  return value;
}

function icon(value: unknown, path: string): unknown {
  if (!isRecord(value)) throw bodyValidationError(path, 'should be an object');
  if (typeof value.emoji === 'string') return { type: 'emoji', emoji: value.emoji };
  if (isRecord(value.external))
    return { type: 'external', external: { url: urlField(value.external.url, `${path}.external.url`) } };
  throw bodyValidationError(path, 'should define `emoji` or `external`');
}

interface Count {
  blocks: number;
}

function content(
  type: string,
  raw: unknown,
  path: string,
  depth: number,
  count: Count,
  time: string,
): Record<string, unknown> {
  if (!isRecord(raw)) throw bodyValidationError(path, `should be an object, instead was \`${JSON.stringify(raw)}\``);
  const allowed = allowedKeys(type);
  for (const key of Object.keys(raw))
    if (!allowed.includes(key)) throw bodyValidationError(`${path}.${key}`, 'should be not present');
  const out: Record<string, unknown> = { ...raw };
  if (RICH_TEXT_BLOCKS.has(type)) {
    out.rich_text = normalizeRichText(raw.rich_text, `${path}.rich_text`);
    if (raw.color !== undefined && (typeof raw.color !== 'string' || !COLORS.has(raw.color))) {
      throw bodyValidationError(
        `${path}.color`,
        `should be a valid color, instead was \`${JSON.stringify(raw.color)}\``,
      );
    }
    if (!('color' in out)) out.color = 'default';
    if (type === 'callout') out.icon = raw.icon === undefined ? null : icon(raw.icon, `${path}.icon`);
  } else if (URL_BLOCKS.has(type)) {
    out.url = urlField(raw.url, `${path}.url`);
    if (type !== 'link_preview') out.caption = [];
  } else if (MEDIA_BLOCKS.has(type)) {
    if (raw.type !== undefined && raw.type !== 'external') {
      throw bodyValidationError(`${path}.type`, 'should be `"external"` (the sandbox supports external media only)');
    }
    if (!isRecord(raw.external))
      throw bodyValidationError(`${path}.external`, 'should be defined, instead was `undefined`');
    for (const key of Object.keys(raw.external))
      if (key !== 'url') throw bodyValidationError(`${path}.external.${key}`, 'should be not present');
    out.type = 'external';
    out.external = { url: urlField(raw.external.url, `${path}.external.url`) };
    out.caption = [];
  }
  if ('caption' in raw) out.caption = normalizeRichText(raw.caption, `${path}.caption`);
  if ('children' in raw) {
    if (depth >= MAX_DEPTH)
      throw bodyValidationError(`${path}.children`, 'should be not present (at most two levels of nesting)');
    out.children = normalizeLevel(raw.children, `${path}.children`, depth + 1, count, time, 'pending');
  }
  return out;
}

function normalizeLevel(
  value: unknown,
  path: string,
  depth: number,
  count: Count,
  time: string,
  parentPageId: string,
): Record<string, unknown>[] {
  if (!Array.isArray(value))
    throw bodyValidationError(path, `should be an array, instead was \`${JSON.stringify(value)}\``);
  if (value.length > MAX_CHILDREN) throw tooLong(path, MAX_CHILDREN, value.length);
  return value.map((block: unknown, i) => {
    const p = `${path}[${i}]`;
    if (!isRecord(block)) throw bodyValidationError(p, 'should be an object');
    count.blocks++;
    if (count.blocks > MAX_BLOCKS_PER_REQUEST)
      throw validationError(`body failed validation: a request may hold at most ${MAX_BLOCKS_PER_REQUEST} blocks.`);
    const known = (k: string) =>
      RICH_TEXT_BLOCKS.has(k) || URL_BLOCKS.has(k) || MEDIA_BLOCKS.has(k) || OTHER_BLOCKS.has(k);
    const type = typeof block.type === 'string' ? block.type : Object.keys(block).find(known);
    if (!type || !known(type)) throw bodyValidationError(p, 'should define a supported block type');
    if (!isRecord(block[type])) throw bodyValidationError(`${p}.${type}`, 'should be defined, instead was `undefined`');
    for (const key of Object.keys(block)) {
      if (key !== 'type' && key !== 'object' && key !== type)
        throw bodyValidationError(`${p}.${key}`, 'should be not present');
    }
    const body = content(type, block[type], `${p}.${type}`, depth, count, time);
    const children = body.children as Record<string, unknown>[] | undefined;
    delete body.children;
    return {
      object: 'block',
      id: newId(),
      parent: { type: 'page_id', page_id: parentPageId },
      created_time: time,
      last_edited_time: time,
      has_children: (children?.length ?? 0) > 0,
      in_trash: false,
      archived: false,
      type,
      [type]: body,
      ...(children && children.length > 0 ? { children } : {}),
    };
  });
}

/**
 * Validates a `children` array (page create, append block children) against Notion's limits and block shapes
 * (100 blocks per array, 1,000 per request, two levels of nesting, each type's fields and no others, rich text
 * limits, URLs) and returns block objects in response shape. Nested blocks are kept under `children`.
 */
export function normalizeChildren(
  value: unknown,
  parentPageId: string,
  path: string,
  time: string,
): Record<string, unknown>[] {
  if (value === undefined) return [];
  return normalizeLevel(value, path, 1, { blocks: 0 }, time, parentPageId);
}
