import { describe, expect, it } from 'vitest';
import {
  connectedMessage,
  connectMessage,
  homeView,
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
  return message.blocks.flatMap((b) =>
    (b as { type: string }).type === 'actions' ? (b as { elements: Element[] }).elements : [],
  );
}

const PAGE_ID = '1c8e0f3a-2b4d-4e6f-8a9b-0c1d2e3f4a5b';
const saved: SaveOutcome = {
  kind: 'saved',
  pageUrl: 'https://www.notion.so/row-1',
  pageId: PAGE_ID,
  table: 'Tweets',
  tweet: { handle: 'jack' },
  textMissing: false,
};

describe('save replies', () => {
  it('"Saved" carries "Open in Notion" to the row, "Add note" and an Undo button with the page id', () => {
    const msg = saveOutcomeMessage(saved);
    expect(msg.text).toContain('<https://www.notion.so/row-1|Tweets>');
    const [open, note, undo] = elements(msg);
    expect(note).toMatchObject({
      type: 'button',
      action_id: ACTION_IDS.addNote,
      value: PAGE_ID,
      text: { text: 'Add note' },
    });
    expect(open).toMatchObject({ action_id: ACTION_IDS.openInNotion, url: 'https://www.notion.so/row-1' });
    expect(undo).toMatchObject({
      type: 'button',
      action_id: ACTION_IDS.undoSave,
      value: PAGE_ID,
      text: { text: 'Undo' },
    });
    expect(undo!.url).toBeUndefined();
  });

  it('"Already saved" links the existing row and offers "Save again" with its page id', () => {
    const msg = saveOutcomeMessage({
      kind: 'already_saved',
      pageUrl: 'https://www.notion.so/row-1',
      pageId: PAGE_ID,
      table: 'Tweets',
      tweet: { handle: 'jack' },
    });
    expect(msg.text).toContain('Already saved');
    expect(msg.text).toContain('<https://www.notion.so/row-1|Tweets>');
    const ids = elements(msg).map((e) => e.action_id);
    expect(ids).toEqual([ACTION_IDS.openInNotion, ACTION_IDS.saveAgain]);
    expect(elements(msg)[1]).toMatchObject({ value: PAGE_ID, text: { text: 'Save again' } });
  });

  it('a kept save after lost access gets a Reconnect button, and the text does not repeat the link', () => {
    const msg = saveOutcomeMessage({ kind: 'reconnect', connectUrl: 'https://h/oauth/notion/start?t=abc', kept: true });
    expect(msg.text).toContain('I kept this tweet');
    expect(msg.text).not.toContain('https://h/');
    expect(elements(msg)).toEqual([
      expect.objectContaining({
        action_id: ACTION_IDS.connectLink,
        url: 'https://h/oauth/notion/start?t=abc',
        text: { type: 'plain_text', text: 'Reconnect Notion' },
      }),
    ]);
  });

  it('not connected: plain text and one Connect button', () => {
    const msg = saveOutcomeMessage({ kind: 'not_connected', connectUrl: 'https://h/oauth/notion/start?t=abc' });
    expect(msg.text).toBe('Connect your Notion first, then send it again.');
    expect(elements(msg)).toEqual([
      expect.objectContaining({
        action_id: ACTION_IDS.connectLink,
        url: 'https://h/oauth/notion/start?t=abc',
        text: { type: 'plain_text', text: 'Connect Notion' },
      }),
    ]);
  });

  it('a tweet kept until a table is ready says so, by what the user has to do', () => {
    const text = (status: Extract<SaveOutcome, { kind: 'needs_table' }>['status']) =>
      saveOutcomeMessage({ kind: 'needs_table', status, kept: true }).text;
    expect(
      text({
        kind: 'choose',
        tables: [
          { id: 'a', title: 'A' },
          { id: 'b', title: 'B' },
        ],
      }),
    ).toBe(
      'You shared 2 tables. Pick the one to save tweets to. I kept this tweet and will save it as soon as you pick a table.',
    );
    expect(text({ kind: 'none_shared' })).toMatch(
      / I kept this tweet and will save it as soon as a table is shared\.$/,
    );
    expect(text({ kind: 'unusable', table: 'Links', missing: { name: 'Tweet', type: 'Text' } })).toBe(
      'The table *Links* cannot take tweets yet: it needs a *Text* column named *Tweet*. Add it in Notion, then save again. I kept this tweet and will save it as soon as you add the column, with your next save.',
    );
    // Not kept (the store failed): nothing is promised.
    expect(
      saveOutcomeMessage({ kind: 'needs_table', status: { kind: 'none_shared' }, kept: false }).text,
    ).not.toContain('kept');
  });

  it('an unknown inline table name lists the tables, escaped', () => {
    const msg = saveOutcomeMessage({
      kind: 'unknown_table',
      name: 'Ins<p>',
      tables: [
        { id: 'a', title: 'Tweets' },
        { id: 'b', title: 'Inspiration' },
      ],
    });
    expect(msg.text).toContain('*Ins&lt;p&gt;*');
    expect(msg.text).toContain('*Tweets*, *Inspiration*');
    expect(elements(msg)).toEqual([]);
  });
});

describe('create-table offer', () => {
  const pages = Array.from({ length: 7 }, (_, i) => ({
    id: `0000000${i}-2b4d-4e6f-8a9b-0c1d2e3f4a5b`,
    title: i === 0 ? 'Reading' : `Page ${i}`,
  }));

  it('offers one button per shared page, at most five, with unique action ids and the page id', () => {
    const msg = connectedMessage({ workspaceName: 'Acme', status: { kind: 'create_offer', pages } });
    const buttons = elements(msg);
    expect(buttons).toHaveLength(MAX_CREATE_TABLE_BUTTONS);
    expect(buttons[0]).toMatchObject({
      text: { text: 'Create a Tweets table in Reading' },
      value: pages[0]!.id,
      style: 'primary',
    });
    expect(new Set(buttons.map((b) => b.action_id)).size).toBe(buttons.length);
    for (const b of buttons) expect(b.action_id).toMatch(CREATE_TABLE_ACTION);
  });

  it('is also shown when a save finds no table', () => {
    const msg = saveOutcomeMessage({
      kind: 'needs_table',
      status: { kind: 'create_offer', pages: pages.slice(0, 1) },
      kept: true,
    });
    expect(msg.text).toContain('*Reading*');
    expect(elements(msg).map((b) => b.text.text)).toEqual(['Create a Tweets table in Reading']);
  });

  it('keeps a long page title within the 75-character button label', () => {
    const msg = connectedMessage({
      workspaceName: null,
      status: { kind: 'create_offer', pages: [{ id: PAGE_ID, title: 'R'.repeat(200) }] },
    });
    expect(elements(msg)[0]!.text.text.length).toBeLessThanOrEqual(75);
  });
});

describe('undo replies', () => {
  it('says removed (naming the tweet) / already deleted without buttons, and asks to reconnect with a button', () => {
    const removed = undoOutcomeMessage({ kind: 'removed', table: 'Tweets', tweet: { handle: 'jack' } });
    expect(removed.text).toBe("Removed @jack's tweet from *Tweets* (moved to Notion's trash).");
    expect(elements(removed)).toEqual([]);
    expect(undoOutcomeMessage({ kind: 'already_deleted', table: 'Tweets' }).text).toContain('already deleted');
    const again = undoOutcomeMessage({ kind: 'reconnect', connectUrl: 'https://h/oauth/notion/start?t=x' });
    expect(elements(again)[0]).toMatchObject({
      action_id: ACTION_IDS.connectLink,
      url: 'https://h/oauth/notion/start?t=x',
    });
  });

  it('after a disconnect: one plain sentence and a Connect button, nothing said twice', () => {
    const msg = undoOutcomeMessage({ kind: 'not_connected', connectUrl: 'https://h/oauth/notion/start?t=x' });
    expect(msg.text).toBe("You're not connected to Notion any more. Connect again to undo.");
    expect(elements(msg)).toEqual([
      expect.objectContaining({
        action_id: ACTION_IDS.connectLink,
        text: { type: 'plain_text', text: 'Connect Notion' },
      }),
    ]);
  });

  it('a row whose table is no longer shared: says so, with a Reconnect button', () => {
    const msg = undoOutcomeMessage({
      kind: 'unreachable',
      table: 'Tweets',
      connectUrl: 'https://h/oauth/notion/start?t=x',
    });
    expect(msg.text).toBe(
      "I can't reach that row any more: its table *Tweets* is no longer shared with Save to Notion. Share it again (reconnect) to undo.",
    );
    expect(elements(msg)).toEqual([
      expect.objectContaining({
        action_id: ACTION_IDS.connectLink,
        url: 'https://h/oauth/notion/start?t=x',
        text: { type: 'plain_text', text: 'Reconnect Notion' },
      }),
    ]);
  });
});

describe('DMs outside a request', () => {
  it('the reconnect DM has one Reconnect button to the personal link', () => {
    const msg = reconnectNeededMessage({
      workspaceName: 'Acme',
      connectUrl: 'https://h/oauth/notion/start?t=dm',
      pending: 2,
    });
    expect(msg.text).toContain('*Acme*');
    expect(msg.text).toContain('I kept the 2 tweets');
    expect(elements(msg)).toEqual([
      expect.objectContaining({
        action_id: ACTION_IDS.connectLink,
        url: 'https://h/oauth/notion/start?t=dm',
        style: 'primary',
      }),
    ]);
  });

  it('the Home tab says a reconnect is needed and makes Reconnect the primary button', () => {
    const view = homeView({
      connected: true,
      workspaceName: 'Acme',
      connectedAt: '',
      target: { kind: 'ready', table: 'Tweets' },
      needsReconnect: true,
    });
    expect(JSON.stringify(view.blocks)).toContain('no longer accepts');
    expect(elements(view as { blocks: unknown[] })).toEqual([
      expect.objectContaining({
        action_id: ACTION_IDS.homeConnect,
        style: 'primary',
        text: expect.objectContaining({ text: 'Reconnect Notion' }),
      }),
    ]);
  });
});

describe('connect prompt and picker', () => {
  it('a connect prompt uses a URL button and says reconnect when already connected', () => {
    const first = connectMessage({
      url: 'https://h/oauth/notion/start?t=abc',
      expiresAt: new Date(),
      current: { connected: false },
    });
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

  it('connected with several usable tables: the prompt and the Home tab offer the picker, current table selected', () => {
    const target = {
      kind: 'ready' as const,
      table: 'Tweets',
      url: 'https://www.notion.so/t',
      choices: {
        tables: [
          { id: 'ds-1', title: 'Tweets (Team wiki)' },
          { id: 'ds-2', title: 'Tweets (Reading)' },
        ],
        currentId: 'ds-2',
      },
    };
    const current = { connected: true as const, workspaceName: 'Acme', connectedAt: '', target };
    const prompt = connectMessage({ url: 'https://h/oauth/notion/start?t=abc', expiresAt: new Date(), current });
    expect(prompt.text).toMatch(
      /^Connected to \*Acme\*\. Saving to <https:\/\/www\.notion\.so\/t\|Tweets>\. Pick another table below, or reconnect to switch workspace or share other pages\.\n/,
    );
    for (const message of [prompt, homeView(current) as { blocks: unknown[] }]) {
      const picker = elements(message).find((e) => e.action_id === ACTION_IDS.chooseTable) as unknown as {
        options: unknown[];
        initial_option: unknown;
      };
      expect(picker.options).toEqual([
        { text: { type: 'plain_text', text: 'Tweets (Team wiki)' }, value: 'ds-1' },
        { text: { type: 'plain_text', text: 'Tweets (Reading)' }, value: 'ds-2' },
      ]);
      expect(picker.initial_option).toEqual(picker.options[1]);
    }
    expect(JSON.stringify(homeView(current).blocks)).toContain('Pick another table below');
  });

  it('the picker stays within Block Kit limits (100 options, 75-char labels)', () => {
    const tables = Array.from({ length: 120 }, (_, i) => ({ id: `ds-${i}`, title: `${'T'.repeat(100)}${i}` }));
    const block = tablePicker(tables) as {
      elements: { action_id: string; options: { text: { text: string }; value: string }[] }[];
    };
    expect(block.elements[0]!.action_id).toBe(ACTION_IDS.chooseTable);
    expect(block.elements[0]!.options).toHaveLength(100);
    expect(Math.max(...block.elements[0]!.options.map((o) => o.text.text.length))).toBeLessThanOrEqual(75);
  });
});
