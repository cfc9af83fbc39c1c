import { bodyValidationError, tooLong } from './errors.js';
import { isRecord } from './http-io.js';
import { newId } from './ids.js';
import { MAX_URL, normalizeRichText } from './rich-text.js';

/** Notion accepts at most 100 blocks per children array. */
const MAX_CHILDREN = 100;
const RICH_TEXT_BLOCKS = new Set([
  'paragraph', 'heading_1', 'heading_2', 'heading_3', 'bulleted_list_item', 'numbered_list_item', 'quote', 'callout',
  'to_do', 'toggle', 'code',
]);
const URL_BLOCKS = new Set(['bookmark', 'embed', 'link_preview']);
const MEDIA_BLOCKS = new Set(['image', 'video', 'pdf', 'file', 'audio']);
const OTHER_BLOCKS = new Set(['divider', 'table_of_contents', 'breadcrumb', 'equation']);

function urlField(value: unknown, path: string): string {
  if (typeof value !== 'string') throw bodyValidationError(path, 'should be a string');
  if (value.length > MAX_URL) throw tooLong(path, MAX_URL, value.length);
  return value;
}

function content(type: string, raw: unknown, path: string): Record<string, unknown> {
  if (!isRecord(raw)) throw bodyValidationError(path, 'should be an object');
  const out: Record<string, unknown> = { ...raw };
  if (RICH_TEXT_BLOCKS.has(type)) {
    out.rich_text = normalizeRichText(raw.rich_text, `${path}.rich_text`);
    if (!('color' in out)) out.color = 'default';
  } else if (URL_BLOCKS.has(type)) {
    out.url = urlField(raw.url, `${path}.url`);
  } else if (MEDIA_BLOCKS.has(type)) {
    if (!isRecord(raw.external)) throw bodyValidationError(`${path}.external`, 'should be an object (the sandbox supports external media only)');
    out.type = 'external';
    out.external = { url: urlField(raw.external.url, `${path}.external.url`) };
  }
  if ('caption' in raw) out.caption = normalizeRichText(raw.caption, `${path}.caption`);
  return out;
}

/**
 * Validates a `children` array (page create, append block children) against Notion's limits and returns
 * block objects in response shape.
 */
export function normalizeChildren(value: unknown, parentPageId: string, path: string, time: string): Record<string, unknown>[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bodyValidationError(path, 'should be an array');
  if (value.length > MAX_CHILDREN) throw tooLong(path, MAX_CHILDREN, value.length);
  return value.map((block: unknown, i) => {
    const p = `${path}[${i}]`;
    if (!isRecord(block)) throw bodyValidationError(p, 'should be an object');
    const type = typeof block.type === 'string'
      ? block.type
      : Object.keys(block).find((k) => RICH_TEXT_BLOCKS.has(k) || URL_BLOCKS.has(k) || MEDIA_BLOCKS.has(k) || OTHER_BLOCKS.has(k));
    if (!type || !(RICH_TEXT_BLOCKS.has(type) || URL_BLOCKS.has(type) || MEDIA_BLOCKS.has(type) || OTHER_BLOCKS.has(type))) {
      throw bodyValidationError(p, 'should define a supported block type');
    }
    return {
      object: 'block',
      id: newId(),
      parent: { type: 'page_id', page_id: parentPageId },
      created_time: time,
      last_edited_time: time,
      has_children: false,
      in_trash: false,
      archived: false,
      type,
      [type]: content(type, block[type], `${p}.${type}`),
    };
  });
}
