import { describe, expect, it } from 'vitest';
import {
  connectedMessage,
  connectMessage,
  homeView,
  pendingSavedMessage,
  reconnectNeededMessage,
  saveOutcomeMessage,
  tablePicker,
  undoOutcomeMessage,
} from '../../../../src/bots/slack/blocks.js';
import { ACTION_IDS, CREATE_TABLE_ACTION, MAX_CREATE_TABLE_BUTTONS } from '../../../../src/bots/slack/constants.js';
import type { SaveOutcome } from '../../../../src/core/outcomes.js';

interface Element {
  type: string;
  action_id: string;
  value?: string;
  url?: string;
  style?: string;
  text: { text: string };
}

/** Every element of every actions block, flattened. */
function elements(message: { blocks: unknown[] }): Element[] {
  return message.blocks.flatMap((b) => ((b as { type: string }).type === 'actions' ? (b as { elements: Element[] }).elements : []));
}

const PAGE_ID = '1c8e0f3a-2b4d-4e6f-8a9b-0c1d2e3f4a5b';
const saved: SaveOutcome = { kind: 'saved', pageUrl: 'https://www.notion.so/row-1', pageId: PAGE_ID, table: 'Tweets', tweet: { handle: 'jack' }, textMissing: false };

describe('save replies', () => {
  it('"Saved" carries "Open in Notion" to the row and an Undo button with the page id', () => {
    const msg = saveOutcomeMessage(saved);
    expect(msg.text).toContain('<https://www.notion.so/row-1|Tweets>');
    const [open, undo] = elements(msg);
    expect(open).toMatchObject({ action_id: ACTION_IDS.openInNotion, url: 'https://www.notion.so/row-1' });
    expect(undo).toMatchObject({ type: 'button', action_id: ACTION_IDS.undoSave, value: PAGE_ID, text: { text: 'Undo' } });
    expect(undo!.url).toBeUndefined();
  });

  it('"Already saved" links the existing row and offers "Save again" with its page id', () => {
    const msg = saveOutcomeMessage({ kind: 'already_saved', pageUrl: 'https://www.notion.so/row-1', pageId: PAGE_ID, table: 'Tweets', tweet: { handle: 'jack' } });
    expect(msg.text).toContain('Already saved');
    expect(msg.text).toContain('<https://www.notion.so/row-1|Tweets>');
    const ids = elements(msg).map((e) => e.action_id);
    expect(ids).toEqual([ACTION_IDS.openInNotion, ACTION_IDS.saveAgain]);
    expect(elements(msg)[1]).toMatchObject({ value: PAGE_ID, text: { text: 'Save again' } });
  });

  it('a kept save after lost access gets a Reconnect button', () => {
    const msg = saveOutcomeMessage({ kind: 'reconnect', connectUrl: 'https://h/oauth/notion/start?t=abc', kept: true });
    expect(msg.text).toContain('I kept this tweet');
    expect(elements(msg)).toEqual([expect.objectContaining({ action_id: ACTION_IDS.connectLink, url: 'https://h/oauth/notion/start?t=abc', text: { type: 'plain_text', text: 'Reconnect Notion' } })]);
  });

  it('an unknown inline table name lists the tables, escaped', () => {
    const msg = saveOutcomeMessage({ kind: 'unknown_table', name: 'Ins<p>', tables: [{ id: 'a', title: 'Tweets' }, { id: 'b', title: 'Inspiration' }] });
    expect(msg.text).toContain('*Ins&lt;p&gt;*');
    expect(msg.text).toContain('*Tweets*, *Inspiration*');
    expect(elements(msg)).toEqual([]);
  });
});

describe('create-table offer', () => {
  const pages = Array.from({ length: 7 }, (_, i) => ({ id: `0000000${i}-2b4d-4e6f-8a9b-0c1d2e3f4a5b`, title: i === 0 ? 'Reading' : `Page ${i}` }));

  it('offers one button per shared page, at most five, with unique action ids and the page id', () => {
    const msg = connectedMessage({ workspaceName: 'Acme', status: { kind: 'create_offer', pages } });
    const buttons = elements(msg);
    expect(buttons).toHaveLength(MAX_CREATE_TABLE_BUTTONS);
    expect(buttons[0]).toMatchObject({ text: { text: 'Create a Tweets table in Reading' }, value: pages[0]!.id, style: 'primary' });
    expect(new Set(buttons.map((b) => b.action_id)).size).toBe(buttons.length);
    for (const b of buttons) expect(b.action_id).toMatch(CREATE_TABLE_ACTION);
  });

  it('is also shown when a save finds no table', () => {
    const msg = saveOutcomeMessage({ kind: 'needs_table', status: { kind: 'create_offer', pages: pages.slice(0, 1) } });
    expect(msg.text).toContain('*Reading*');
    expect(elements(msg).map((b) => b.text.text)).toEqual(['Create a Tweets table in Reading']);
  });

  it('keeps a long page title within the 75-character button label', () => {
    const msg = connectedMessage({ workspaceName: null, status: { kind: 'create_offer', pages: [{ id: PAGE_ID, title: 'R'.repeat(200) }] } });
    expect(elements(msg)[0]!.text.text.length).toBeLessThanOrEqual(75);
  });
});

describe('undo replies', () => {
  it('says removed / already deleted without buttons, and asks to reconnect with a button', () => {
    expect(undoOutcomeMessage({ kind: 'removed', table: 'Tweets' })).toMatchObject({ text: expect.stringContaining('Removed') });
    expect(elements(undoOutcomeMessage({ kind: 'removed', table: 'Tweets' }))).toEqual([]);
    expect(undoOutcomeMessage({ kind: 'already_deleted', table: 'Tweets' }).text).toContain('already deleted');
    const again = undoOutcomeMessage({ kind: 'reconnect', connectUrl: 'https://h/oauth/notion/start?t=x' });
    expect(elements(again)[0]).toMatchObject({ action_id: ACTION_IDS.connectLink, url: 'https://h/oauth/notion/start?t=x' });
  });
});

describe('DMs outside a request', () => {
  it('the reconnect DM has one Reconnect button to the personal link', () => {
    const msg = reconnectNeededMessage({ workspaceName: 'Acme', connectUrl: 'https://h/oauth/notion/start?t=dm', pending: 2 });
    expect(msg.text).toContain('*Acme*');
    expect(msg.text).toContain('I kept the 2 tweets');
    expect(elements(msg)).toEqual([expect.objectContaining({ action_id: ACTION_IDS.connectLink, url: 'https://h/oauth/notion/start?t=dm', style: 'primary' })]);
  });

  it('the after-reconnect DM links every saved row', () => {
    const msg = pendingSavedMessage([saved, { ...saved, pageUrl: 'https://www.notion.so/row-2', pageId: 'p2' }]);
    expect(msg.text).toContain('(2 of 2)');
    expect(msg.text).toContain('https://www.notion.so/row-1');
    expect(msg.text).toContain('https://www.notion.so/row-2');
  });

  it('the Home tab says a reconnect is needed and makes Reconnect the primary button', () => {
    const view = homeView({ connected: true, workspaceName: 'Acme', connectedAt: '', target: { kind: 'ready', table: 'Tweets' }, needsReconnect: true });
    expect(JSON.stringify(view.blocks)).toContain('no longer accepts');
    expect(elements(view as { blocks: unknown[] })).toEqual([expect.objectContaining({ action_id: ACTION_IDS.homeConnect, style: 'primary', text: expect.objectContaining({ text: 'Reconnect Notion' }) })]);
  });
});

describe('connect prompt and picker', () => {
  it('a connect prompt uses a URL button and says reconnect when already connected', () => {
    const first = connectMessage({ url: 'https://h/oauth/notion/start?t=abc', expiresAt: new Date(), current: { connected: false } });
    expect(JSON.stringify(first.blocks)).toContain('Connect Notion');
    const again = connectMessage({
      url: 'https://h/oauth/notion/start?t=def',
      expiresAt: new Date(),
      current: { connected: true, workspaceName: 'Acme', connectedAt: '', target: { kind: 'ready', table: 'Tweets' } },
    });
    expect(again.text).toContain('*Acme*');
    expect(again.text).toContain('*Tweets*');
    expect(JSON.stringify(again.blocks)).toContain('Reconnect Notion');
  });

  it('the picker stays within Block Kit limits (100 options, 75-char labels)', () => {
    const tables = Array.from({ length: 120 }, (_, i) => ({ id: `ds-${i}`, title: `${'T'.repeat(100)}${i}` }));
    const block = tablePicker(tables) as { elements: { action_id: string; options: { text: { text: string }; value: string }[] }[] };
    expect(block.elements[0]!.action_id).toBe(ACTION_IDS.chooseTable);
    expect(block.elements[0]!.options).toHaveLength(100);
    expect(Math.max(...block.elements[0]!.options.map((o) => o.text.text.length))).toBeLessThanOrEqual(75);
  });
});
