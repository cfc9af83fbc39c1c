import { describe, expect, it } from 'vitest';
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
