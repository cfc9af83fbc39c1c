import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeDiscordText, discordFormatter as f } from '../../../../src/bots/discord/discord-formatter.js';

/**
 * Discord's reading of a backslash (its markdown's `escape` rule): before any character that is not
 * a letter, digit or space it stands for that character, literally. `rendered` is what the reader
 * sees; `active` is the source with every escaped pair blanked out, i.e. only what markdown acts on.
 */
function readEscapes(source: string): { rendered: string; active: string } {
  let rendered = '';
  let active = '';
  for (let i = 0; i < source.length; i++) {
    const next = source[i + 1];
    if (source[i] === '\\' && next !== undefined && !/[\p{L}\p{N}\s]/u.test(next)) {
      rendered += next;
      active += 'xx';
      i++;
    } else {
      rendered += source[i];
      active += source[i];
    }
  }
  return { rendered, active };
}

/** What in unescaped text would make Discord format, link or mention: none may survive escaping. */
const ACTIVE_SYNTAX: [string, RegExp][] = [
  ['emphasis, spoiler or code', /[*_~|`]/],
  ['a masked link', /[[\]]/],
  ['a mention, channel, role, timestamp, emoji or autolink in <>', /</],
  ['@everyone or @here', /@/],
  ['a block quote', />/],
  ['a bare link', /:\/\//],
  ['a line break', /[\n\r\u2028\u2029\u0085]/],
  ['a heading, list or subtext at the start', /^\s*(?:[#+-]|\d+[.)])/],
];

function syntaxIn(active: string): string[] {
  return ACTIVE_SYNTAX.filter(([, re]) => re.test(active)).map(([what]) => what);
}

/** Strings made of the pieces Discord markdown is built from, and arbitrary text. */
const PIECES = [
  '[',
  ']',
  '(',
  ')',
  '<',
  '>',
  '@',
  '&',
  '#',
  '-',
  '+',
  '1',
  '.',
  ')',
  ':',
  '/',
  '\\',
  '*',
  '_',
  '~',
  '|',
  '`',
  '\n',
  '\r\n',
  ' ',
  'a',
  'https://evil.example',
  'everyone',
  'here',
  't:1700000000:R',
  '<@123>',
  '](',
  '||',
  '```',
];
const adversarial = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((a) => a.join('')),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

describe('escapeDiscordText', () => {
  it.each<[string, string, string]>([
    ['a masked link', '[Verify](https://evil.example)', '\\[Verify\\](https\\://evil.example)'],
    ['a user mention', '<@123456>', '\\<\\@123456\\>'],
    ['a role mention', '<@&42>', '\\<\\@&42\\>'],
    ['a channel', '<#42>', '\\<#42\\>'],
    ['a timestamp', '<t:1700000000:R>', '\\<t:1700000000:R\\>'],
    ['a slash-command link', '</save-tweet:1>', '\\</save-tweet:1\\>'],
    ['@everyone and @here', '@everyone @here', '\\@everyone \\@here'],
    ['a heading', '# Free Nitro', '\\# Free Nitro'],
    ['subtext', '-# small', '\\-# small'],
    ['a bullet list', '- one', '\\- one'],
    ['a plus list', '+ one', '\\+ one'],
    ['a numbered list', '1. one', '1\\. one'],
    ['a block quote', '> quoted', '\\> quoted'],
    [
      'bold, italic, underline, strike, spoiler',
      '**b** *i* __u__ ~~s~~ ||sp||',
      '\\*\\*b\\*\\* \\*i\\* \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\|\\|sp\\|\\|',
    ],
    ['a code span', '`code`', '\\`code\\`'],
    ['a bare link', 'see https://evil.example', 'see https\\://evil.example'],
    ['a backslash', 'a\\b', 'a\\\\b'],
    ['a line break before a heading', 'Tweets\n# Verify', 'Tweets # Verify'],
    ['plain names, untouched', 'Tweets (Reading) 2024: ideas, v1.2', 'Tweets (Reading) 2024: ideas, v1.2'],
  ])('%s', (_what, input, expected) => {
    expect(escapeDiscordText(input)).toBe(expected);
    expect(syntaxIn(readEscapes(expected).active)).toEqual([]);
  });

  it('property: escaped text shows exactly as typed (line breaks as spaces) and leaves markdown nothing to act on', () => {
    fc.assert(
      fc.property(adversarial, (input) => {
        const { rendered, active } = readEscapes(escapeDiscordText(input));
        expect(rendered).toBe(input.replace(/\r\n|[\n\r\u2028\u2029\u0085]/g, ' '));
        expect(syntaxIn(active)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('discordFormatter', () => {
  it('a Notion table named like a link stays text inside the one link the bot makes', () => {
    expect(f.link('https://www.notion.so/row', '[Verify](https://evil.example)')).toBe(
      '[\\[Verify\\](https\\://evil.example)](https://www.notion.so/row)',
    );
    expect(f.bold('[Verify](https://evil.example)')).toBe('**\\[Verify\\](https\\://evil.example)**');
    expect(f.text('_jack_')).toBe('\\_jack\\_');
  });

  it('a link target that is not a web URL is not made a link', () => {
    expect(f.link('javascript:alert(1)', 'Tweets')).toBe('**Tweets**');
  });

  it('inline code cannot be closed early, and spans one line', () => {
    expect(f.code('a`b\n# c')).toBe('`aˋb # c`');
  });

  it('property: bold and link output renders only their own markup', () => {
    fc.assert(
      fc.property(adversarial, (input) => {
        const bold = readEscapes(f.bold(input)).active;
        expect(bold.startsWith('**') && bold.endsWith('**')).toBe(true);
        expect(syntaxIn(bold.slice(2, -2))).toEqual([]);

        const link = readEscapes(f.link('https://www.notion.so/a(b)', input)).active;
        const m = /^\[([^]*)\]\(https:\/\/www\.notion\.so\/a%28b%29\)$/.exec(link);
        expect(m).not.toBeNull();
        expect(syntaxIn(m![1]!)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});
