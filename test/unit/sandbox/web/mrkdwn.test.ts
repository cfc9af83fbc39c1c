import { describe, expect, it } from 'vitest';
import { renderAttachment, renderMessageBody } from '../../../../src/sandbox/web/block-kit-html.js';
import { escapeHtml, mrkdwnToHtml } from '../../../../src/sandbox/web/mrkdwn.js';

/** Tags the renderer may produce; anything else in the output would be injected markup. */
const ALLOWED_TAGS = /<\/?(a|strong|em|s|code|br|span)(\s[^<>]*)?>/g;
const injected = (html: string) => html.replace(ALLOWED_TAGS, '').match(/<[a-z!/]/gi) ?? [];

describe('mrkdwnToHtml', () => {
  it('escapes HTML in plain text, including what Slack already escaped', () => {
    const html = mrkdwnToHtml(
      '<img src=x onerror=alert(1)> &lt;script&gt;alert(1)&lt;/script&gt; "quotes" & \'apostrophes\'',
    );
    expect(html).not.toMatch(/<img|<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;quotes&quot; &amp; &#39;apostrophes&#39;');
    expect(injected(html)).toEqual([]);
  });

  it('links only http(s) URLs and escapes their href and label', () => {
    expect(mrkdwnToHtml('<https://x.com/a?b=1&amp;c=2|a &lt;b&gt; "c">')).toBe(
      '<a href="https://x.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">a &lt;b&gt; &quot;c&quot;</a>',
    );
    expect(mrkdwnToHtml('<javascript:alert(1)|click me>')).toBe('click me');
    expect(mrkdwnToHtml('<data:text/html,<b>x</b>|y>')).not.toContain('href');
    const quoted = mrkdwnToHtml('<https://x.com/"onmouseover="alert(1)|x>');
    expect(quoted).toContain('href="https://x.com/&quot;onmouseover=&quot;alert(1)"');
    expect(injected(quoted)).toEqual([]);
  });

  it('renders *bold*, _italic_, ~strike~, `code` and newlines, and nothing inside code', () => {
    expect(mrkdwnToHtml('Connected to *Acme*.\n_now_ ~then~ `*not bold* &lt;b&gt;`')).toBe(
      'Connected to <strong>Acme</strong>.<br><em>now</em> <s>then</s> <code>*not bold* &lt;b&gt;</code>',
    );
    expect(mrkdwnToHtml('a*b*c snake_case_name 2*3*4')).toBe('a*b*c snake_case_name 2*3*4');
  });

  it('keeps bold around a link well-formed', () => {
    expect(mrkdwnToHtml('*<https://a.example/|A>*')).toBe(
      '<strong><a href="https://a.example/" target="_blank" rel="noopener noreferrer">A</a></strong>',
    );
  });

  it('renders mentions as text and sends local links where the page says', () => {
    expect(mrkdwnToHtml('<@U123> <#C1|general> <!here>')).toBe(
      '<span class="mention">@U123</span> <span class="mention">#general</span> <span class="mention">@here</span>',
    );
    const html = mrkdwnToHtml('<https://www.notion.so/abc|Tweets>', {
      link: (url) => ({ href: url.endsWith('abc') ? '#row-abc' : url, newTab: false }),
    });
    expect(html).toBe('<a href="#row-abc">Tweets</a>');
  });

  it('cannot be confused by its own placeholder character', () => {
    const html = mrkdwnToHtml('\uE0000\uE000 <https://a.example/|x> \uE0001\uE000');
    expect(html).not.toContain('\uE000');
    expect(html.match(/<a /g)).toHaveLength(1);
  });
});

describe('Block Kit and attachments to HTML', () => {
  const evil = '<script>alert(1)</script>';

  it('escapes every text from blocks: plain_text, options, values, action ids', () => {
    const html = renderMessageBody(
      {
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: evil } },
          { type: 'section', text: { type: 'mrkdwn', text: `*${evil}*` } },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                text: { type: 'plain_text', text: evil },
                url: 'https://ok.example/"><b>',
                action_id: 'x',
              },
              { type: 'button', text: { type: 'plain_text', text: 'Undo' }, value: 'v', action_id: `a"${evil}` },
              {
                type: 'static_select',
                action_id: 'pick',
                placeholder: { type: 'plain_text', text: evil },
                options: [{ text: { type: 'plain_text', text: evil }, value: `"${evil}` }],
              },
            ],
          },
          { type: 'context', elements: [{ type: 'plain_text', text: evil }] },
        ],
      },
      { messageKey: `dm:"${evil}` },
    );
    expect(html).not.toMatch(/<script|<b>/i);
    expect(
      html.replace(/<\/?(h3|div|strong|a|button|label|select|option)(\s[^<>]*)?>/g, '').match(/<[a-z!/]/gi) ?? [],
    ).toEqual([]);
    expect(html).toContain('data-action-id="a&quot;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toMatch(/<label class="bk-select-label" for="(bk-select-[\w-]+)">.*<select id="\1"/);
  });

  it('renders a URL button as a link and refuses a javascript: URL', () => {
    const ok = renderMessageBody(
      {
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                text: { type: 'plain_text', text: 'Connect Notion' },
                url: 'http://localhost:3000/oauth/notion/start?t=abc',
                style: 'primary',
              },
            ],
          },
        ],
      },
      { messageKey: 'k' },
    );
    expect(ok).toContain(
      '<a class="bk-button bk-primary" href="http://localhost:3000/oauth/notion/start?t=abc" target="_blank" rel="noopener noreferrer">Connect Notion</a>',
    );
    const bad = renderMessageBody(
      {
        blocks: [
          {
            type: 'actions',
            elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' }, url: 'javascript:alert(1)' }],
          },
        ],
      },
      { messageKey: 'k' },
    );
    expect(bad).not.toContain('javascript:');
  });

  it('renders the stable same id for the same message twice (the page diffs by HTML)', () => {
    const message = {
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'static_select',
              action_id: 'choose_table',
              options: [{ text: { type: 'plain_text', text: 'A' }, value: 'a' }],
            },
          ],
        },
      ],
    };
    expect(renderMessageBody(message, { messageKey: 'dm:1.2' })).toBe(
      renderMessageBody(message, { messageKey: 'dm:1.2' }),
    );
  });

  it('escapes unfurl fields', () => {
    const html = renderAttachment(
      {
        author_name: evil,
        author_subname: '@x"',
        text: evil,
        title: evil,
        title_link: 'javascript:alert(1)',
        footer: evil,
        service_name: 'twitter',
      },
      {},
    );
    expect(html).not.toMatch(/<script|javascript:/i);
    expect(escapeHtml(evil)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
