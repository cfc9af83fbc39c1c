import { anchor, escapeHtml, mrkdwnToHtml, type MrkdwnOptions } from './mrkdwn.js';

/**
 * Renders the Block Kit the product sends (section, actions with URL buttons and static_select,
 * context, header, divider) and Slack's message attachments (tweet unfurls) to HTML for the sandbox
 * page. Unknown blocks are skipped. Every value from a block is escaped.
 */

export interface RenderContext extends MrkdwnOptions {
  /** Identifies the message for interactive elements (the page sends it back with a block action). */
  messageKey: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A text object: mrkdwn is rendered, plain_text escaped. */
function textObject(t: unknown, ctx: RenderContext): string {
  const o = obj(t);
  if (!o) return '';
  return o.type === 'mrkdwn' ? mrkdwnToHtml(str(o.text), ctx) : escapeHtml(str(o.text));
}

function button(el: Json, ctx: RenderContext): string {
  const label = textObject(el.text, ctx);
  const cls = `bk-button${el.style === 'primary' ? ' bk-primary' : el.style === 'danger' ? ' bk-danger' : ''}`;
  const url = str(el.url);
  if (url) {
    const a = anchor(url, label, ctx);
    // anchor() returns the bare label for a URL it refuses; keep it visible but inert then.
    return a === label ? `<span class="${cls} bk-disabled">${label}</span>` : a.replace('<a ', `<a class="${cls}" `);
  }
  // A button without a URL is a block action: the page sends it back (message key + action_id) as a signed click.
  return `<button type="button" class="${cls}" data-message-key="${escapeHtml(ctx.messageKey)}" data-action-id="${escapeHtml(str(el.action_id))}">${label}</button>`;
}

function staticSelect(el: Json, index: string, ctx: RenderContext): string {
  const placeholder = escapeHtml(str(obj(el.placeholder)?.text) || 'Choose');
  const initial = str(obj(el.initial_option)?.value);
  // Stable across renders, so the page can tell an unchanged message from a changed one.
  const id = `bk-select-${ctx.messageKey.replace(/[^A-Za-z0-9_-]/g, '_')}-${index}`;
  const options = list(el.options)
    .map(obj)
    .filter((o): o is Json => o !== undefined)
    .map((o) => {
      const value = str(o.value);
      return `<option value="${escapeHtml(value)}"${value === initial ? ' selected' : ''}>${escapeHtml(str(obj(o.text)?.text))}</option>`;
    })
    .join('');
  return (
    `<label class="bk-select-label" for="${id}">${placeholder}</label>` +
    `<select id="${id}" class="bk-select" data-message-key="${escapeHtml(ctx.messageKey)}" data-action-id="${escapeHtml(str(el.action_id))}">` +
    `<option value=""${initial ? '' : ' selected'} disabled>${placeholder}</option>${options}</select>`
  );
}

function block(b: unknown, i: number, ctx: RenderContext): string {
  const o = obj(b);
  if (!o) return '';
  switch (o.type) {
    case 'section': {
      const fields = list(o.fields)
        .map((f) => `<div>${textObject(f, ctx)}</div>`)
        .join('');
      return `<div class="bk-section">${textObject(o.text, ctx)}${fields ? `<div class="bk-fields">${fields}</div>` : ''}</div>`;
    }
    case 'header':
      return `<h3 class="bk-header">${textObject(o.text, ctx)}</h3>`;
    case 'divider':
      return '<hr class="bk-divider">';
    case 'context':
      return `<div class="bk-context">${list(o.elements)
        .map((e) => textObject(e, ctx))
        .join(' ')}</div>`;
    case 'actions': {
      const elements = list(o.elements)
        .map(obj)
        .filter((e): e is Json => e !== undefined)
        .map((e, j) =>
          e.type === 'button' ? button(e, ctx) : e.type === 'static_select' ? staticSelect(e, `${i}-${j}`, ctx) : '',
        )
        .join('');
      return `<div class="bk-actions">${elements}</div>`;
    }
    default:
      return '';
  }
}

/** Renders a message's blocks, or its `text` as mrkdwn when it has none. */
export function renderMessageBody(
  message: { text?: string | undefined; blocks?: unknown[] | undefined },
  ctx: RenderContext,
): string {
  const blocks = list(message.blocks);
  if (blocks.length === 0) return `<div class="bk-section">${mrkdwnToHtml(message.text ?? '', ctx)}</div>`;
  return blocks.map((b, i) => block(b, i, ctx)).join('');
}

/**
 * A link-unfurl attachment as Slack shows it: the classic Twitter shape (author name, `@handle`,
 * text, footer) or the X-era one (service name, title link, text). Image-only attachments are skipped
 * (the sandbox loads nothing from other sites).
 */
export function renderAttachment(a: unknown, ctx: MrkdwnOptions): string {
  const o = obj(a);
  if (!o || (!str(o.text) && !str(o.title) && !str(o.author_name))) return '';
  const service = escapeHtml(str(o.service_name));
  const author = str(o.author_name)
    ? `<div class="att-author"><strong>${escapeHtml(str(o.author_name))}</strong>${str(o.author_subname) ? ` <span class="att-sub">${escapeHtml(str(o.author_subname))}</span>` : ''}</div>`
    : '';
  const titleText = escapeHtml(str(o.title));
  const title = titleText
    ? `<div class="att-title">${str(o.title_link) ? anchor(str(o.title_link), titleText, ctx) : titleText}</div>`
    : '';
  const serviceLine = !author && service ? `<div class="att-service">${service}</div>` : '';
  const footer = str(o.footer) ? `<div class="att-footer">${escapeHtml(str(o.footer))}</div>` : '';
  return `<div class="attachment">${serviceLine}${author}${title}<div class="att-text">${mrkdwnToHtml(str(o.text), ctx)}</div>${footer}</div>`;
}
