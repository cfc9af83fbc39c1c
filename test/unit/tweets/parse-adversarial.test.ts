import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDiscordMarkup, decodeSlackMarkup } from '../../../src/chat/chat-markup.js';
import { splitTableChoice } from '../../../src/chat/inline-table.js';
import { tweetInputFromMessageText } from '../../../src/tweets/message-tweet-input.js';
import { parseTweetInput } from '../../../src/tweets/parse-tweet-input.js';
import { parseTweetLink } from '../../../src/tweets/tweet-link.js';

const LENGTH = 40_000;
/** Well under what a person would notice; a quadratic pattern takes seconds on these inputs. */
const BUDGET_MS = 50;

const fill = (unit: string, length = LENGTH) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** Every stage a message goes through, as an adapter and core run them. */
function parseLikeTheProduct(text: string): void {
  for (const marked of [decodeSlackMarkup(text), decodeDiscordMarkup(text)]) {
    parseTweetInput(marked);
    parseTweetInput(tweetInputFromMessageText(marked, { author: text.slice(0, 5_000), text, url: text.slice(0, 300) }));
  }
  splitTableChoice(text);
  parseTweetLink(text.slice(0, 2_000));
}

/** The fastest of three runs: the parser's own cost, without a garbage collection or another process's turn. */
function fastestMs(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

// The inputs the security review timed (3.3 s, 13.4 s, 3.5 s before), and their relatives.
const ADVERSARIAL: Array<[string, string]> = [
  ['a, spaces and b', `a${' '.repeat(LENGTH - 2)}b`],
  ['tabs then a dash', `${fill('\t', LENGTH - 1)}—`],
  ['tabs and dashes', fill('\t—')],
  ['https://a then dots', `https://a${'.'.repeat(LENGTH - 10)}x`],
  ['a digit, spaces and a word', `1${' '.repeat(LENGTH - 2)}x`],
  ['spaces and newlines', fill(' \n')],
  ['scheme-less tweet hosts', fill('x.com/a ')],
  ['tweet links', fill('https://x.com/jack/status/20 ')],
  ['attributions', fill(' — a (@a)')],
  ['name and handle headers', fill('Jack (@jack) on X: ')],
  ['masked links', fill('[a](https://x.com/a/status/1) ')],
  ['open brackets', fill('[a(https://')],
  ['Slack links', fill('<https://x.com/a/status/1|b> ')],
  ['angle brackets', fill('<a|')],
  ['entities', fill('&amp;mdash;')],
  ['footer lines', fill('9:50 PM · Mar 21, 2006\n1.2K Views\n')],
  ['engagement counts', `1${fill(' 1')}x`],
  ['removed links and blanks', fill('https://x.com/a/status/1 \t')],
  ['placeholders typed by a person', fill('\uE000\uE001\uE0020\uE003')],
];

describe('parsing adversarial 40,000-character messages', () => {
  it.each(ADVERSARIAL)('%s: stays linear', (_name, text) => {
    expect(fastestMs(() => parseLikeTheProduct(text))).toBeLessThan(BUDGET_MS * 4);
    expect(fastestMs(() => parseTweetInput(decodeSlackMarkup(text)))).toBeLessThan(BUDGET_MS);
  });
});

/** Pieces of every syntax the parsers read, so random messages hit their patterns' edges. */
const PIECES = [
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  'a',
  'word',
  '—',
  '–',
  '-',
  '--',
  '&mdash;',
  '&amp;',
  '&lt;',
  '(@jack)',
  '@jack',
  '@',
  'https://',
  'http://',
  'x.com/',
  'twitter.com/',
  'fxtwitter.com/',
  '/status/',
  '20',
  '1234567890123456789012',
  'https://x.com/jack/status/20',
  'https://example.com/a',
  '.',
  ',',
  '!',
  ')',
  '(',
  '[',
  ']',
  '](',
  '<',
  '>',
  '|',
  '*',
  '_',
  '~',
  ':',
  '·',
  '3h',
  'now',
  'Mar 21, 2006',
  '9:50 PM',
  ' · ',
  'Views',
  '1.2K',
  'Replying to',
  ' on X',
  '<@U123>',
  '<@!123>',
  '<#C1|general>',
  '<!here>',
  '<t:1:R>',
  '<:e:1>',
  ' to ',
  '\uE000',
  '\uE001',
  '\uE002',
  '0',
];
const message = fc
  .tuple(fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }), fc.integer({ min: 1, max: 400 }))
  .map(([parts, times]) => parts.join('').repeat(times).slice(0, LENGTH));

describe('fuzzing the tweet parsers', () => {
  it('never throws and stays fast on any mix of their syntax', () => {
    fc.assert(
      fc.property(
        fc.oneof(message, fc.string({ maxLength: 2_000 }), fc.string({ unit: 'binary', maxLength: 500 })),
        (text) => {
          expect(fastestMs(() => parseLikeTheProduct(text))).toBeLessThan(BUDGET_MS * 4);
        },
      ),
      // A time budget rather than a fixed count: as many inputs as fit in 5 s, never more.
      { numRuns: 100_000, interruptAfterTimeLimit: 5_000, markInterruptAsFailure: false },
    );
  }, 30_000);
});
