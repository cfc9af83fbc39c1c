import { describe, expect, it } from 'vitest';
import { splitTableChoice } from '../../../src/chat/inline-table.js';

describe('splitTableChoice', () => {
  it.each([
    ['https://x.com/jack/status/20 to Inspiration', { text: 'https://x.com/jack/status/20', tableName: 'Inspiration' }],
    [
      '<https://x.com/jack/status/20> to reading list',
      { text: '<https://x.com/jack/status/20>', tableName: 'reading list' },
    ],
    [
      '  https://twitter.com/jack/status/20?s=20   TO   Ideas ',
      { text: 'https://twitter.com/jack/status/20?s=20', tableName: 'Ideas' },
    ],
  ])('%s', (input, expected) => {
    expect(splitTableChoice(input)).toEqual(expected);
  });

  it.each([
    '@jack going to the store',
    'https://x.com/jack/status/20 going to the store',
    'https://example.com/a to Ideas',
    'https://x.com/jack/status/20',
    'to Ideas',
  ])('leaves %s alone', (input) => {
    expect(splitTableChoice(input)).toEqual({ text: input });
  });
});
