/**
 * The Block Kit limits Slack enforces on message blocks (chat.postMessage, chat.postEphemeral,
 * chat.update, response_url answers), which answer `invalid_blocks` when broken. Only the
 * block and element types the product renders are checked in depth; others pass on shape.
 * Limits from Slack's Block Kit reference (blocks, button, static_select, text object).
 */

const MESSAGE_MAX_BLOCKS = 50;
const SECTION_TEXT_MAX = 3000;
const BUTTON_TEXT_MAX = 75;
const BUTTON_VALUE_MAX = 2000;
const URL_MAX = 3000;
const ACTION_ID_MAX = 255;
const BLOCK_ID_MAX = 255;
const ACTIONS_MAX_ELEMENTS = 25;
const OPTIONS_MAX = 100;
const OPTION_TEXT_MAX = 75;
const OPTION_VALUE_MAX = 150;
const HEADER_TEXT_MAX = 150;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function textObject(v: unknown, max: number, plainOnly: boolean): string | undefined {
  if (!isObj(v)) return 'text object missing';
  if (v.type !== 'plain_text' && (plainOnly || v.type !== 'mrkdwn')) return `text type ${String(v.type)} not allowed`;
  if (typeof v.text !== 'string' || v.text.length === 0) return 'empty text';
  if (v.text.length > max) return `text longer than ${max}`;
  return undefined;
}

function elementError(el: unknown): string | undefined {
  if (!isObj(el) || typeof el.type !== 'string') return 'element without type';
  if (
    el.action_id !== undefined &&
    (typeof el.action_id !== 'string' || el.action_id.length === 0 || el.action_id.length > ACTION_ID_MAX)
  )
    return 'bad action_id';
  if (el.type === 'button') {
    const text = textObject(el.text, BUTTON_TEXT_MAX, true);
    if (text) return `button: ${text}`;
    if (el.value !== undefined && (typeof el.value !== 'string' || el.value.length > BUTTON_VALUE_MAX))
      return 'button: bad value';
    if (el.url !== undefined && (typeof el.url !== 'string' || el.url.length > URL_MAX)) return 'button: bad url';
    if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') return 'button: bad style';
  }
  if (el.type === 'static_select') {
    if (!Array.isArray(el.options) || el.options.length === 0 || el.options.length > OPTIONS_MAX)
      return 'static_select: 1 to 100 options';
    for (const o of el.options as unknown[]) {
      if (
        !isObj(o) ||
        textObject(o.text, OPTION_TEXT_MAX, true) ||
        typeof o.value !== 'string' ||
        o.value.length > OPTION_VALUE_MAX
      )
        return 'static_select: bad option';
    }
  }
  return undefined;
}

/** Why Slack would answer `invalid_blocks` to these message blocks, or undefined when they pass. */
export function messageBlocksError(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks is not an array';
  if (blocks.length > MESSAGE_MAX_BLOCKS) return `more than ${MESSAGE_MAX_BLOCKS} blocks`;
  const blockIds = new Set<string>();
  for (const [i, block] of (blocks as unknown[]).entries()) {
    const at = `blocks[${i}]`;
    if (!isObj(block) || typeof block.type !== 'string') return `${at}: no type`;
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length === 0 || block.block_id.length > BLOCK_ID_MAX)
        return `${at}: bad block_id`;
      if (blockIds.has(block.block_id)) return `${at}: duplicate block_id`;
      blockIds.add(block.block_id);
    }
    if (block.type === 'section') {
      const text =
        block.text === undefined && Array.isArray(block.fields)
          ? undefined
          : textObject(block.text, SECTION_TEXT_MAX, false);
      if (text) return `${at}: ${text}`;
    } else if (block.type === 'header') {
      const text = textObject(block.text, HEADER_TEXT_MAX, true);
      if (text) return `${at}: ${text}`;
    } else if (block.type === 'actions') {
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > ACTIONS_MAX_ELEMENTS)
        return `${at}: 1 to 25 elements`;
      const actionIds = new Set<string>();
      for (const el of block.elements as unknown[]) {
        const err = elementError(el);
        if (err) return `${at}: ${err}`;
        const id = (el as Obj).action_id as string | undefined;
        if (id !== undefined) {
          if (actionIds.has(id)) return `${at}: duplicate action_id ${id}`;
          actionIds.add(id);
        }
      }
    }
  }
  return undefined;
}
