import { describe, expect, it } from 'vitest';
import { connectMessage, saveOutcomeMessage, tablePicker } from '../../../../src/bots/slack/blocks.js';
import { ACTION_IDS } from '../../../../src/bots/slack/constants.js';
import { slackFormatter as f } from '../../../../src/bots/slack/slack-formatter.js';

describe('slackFormatter', () => {
  it('writes mrkdwn and escapes the three control characters', () => {
    expect(f.bold('Tweets')).toBe('*Tweets*');
    expect(f.bold('<!channel> & co')).toBe('*&lt;!channel&gt; &amp; co*');
    expect(f.code('/save-tweet x')).toBe('`/save-tweet x`');
  });

  it('keeps a link a single link whatever the table name or URL holds', () => {
    expect(f.link('https://www.notion.so/abc', 'My | table >')).toBe('<https://www.notion.so/abc|My ¦ table &gt;>');
    expect(f.link('https://e.com/?a=1&b=|>', 'x')).toBe('<https://e.com/?a=1&amp;b=%7C%3E|x>');
  });
});

describe('blocks', () => {
  it('a saved reply carries an "Open in Notion" button to the row', () => {
    const msg = saveOutcomeMessage({ kind: 'saved', pageUrl: 'https://www.notion.so/row-1', table: 'Tweets', tweet: { handle: 'jack' }, textMissing: false });
    expect(msg.text).toContain('<https://www.notion.so/row-1|Tweets>');
    expect(JSON.stringify(msg.blocks)).toContain('"url":"https://www.notion.so/row-1"');
  });

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
