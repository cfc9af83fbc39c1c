import { describe, expect, it } from 'vitest';
import { checkSameOrigin } from '../../../src/oauth/same-origin.js';

const ours = 'https://tweets.example.com';

describe('checkSameOrigin', () => {
  it.each([
    [{ origin: ours, 'sec-fetch-site': 'same-origin' }, { ok: true }],
    [{ origin: ours }, { ok: true }],
    [{ 'sec-fetch-site': 'same-origin' }, { ok: true }],
    [{}, { ok: false, reason: 'no_origin' }],
    [{ origin: 'https://evil.example' }, { ok: false, reason: 'foreign_origin' }],
    [
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
      { ok: false, reason: 'foreign_origin' },
    ],
    [{ origin: 'http://tweets.example.com' }, { ok: false, reason: 'foreign_origin' }],
    [{ origin: `${ours}.evil.example` }, { ok: false, reason: 'foreign_origin' }],
    [
      { origin: ours, 'sec-fetch-site': 'same-site' },
      { ok: false, reason: 'cross_site' },
    ],
    [
      { origin: ours, 'sec-fetch-site': 'cross-site' },
      { ok: false, reason: 'cross_site' },
    ],
    [{ 'sec-fetch-site': 'none' }, { ok: false, reason: 'cross_site' }],
  ])('%o -> %o', (headers, expected) => {
    expect(checkSameOrigin(headers, ours)).toEqual(expected);
  });
});
