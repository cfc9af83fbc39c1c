import { describe, expect, it } from 'vitest';
import { parseCallbackParams } from '../../../src/oauth/callback-params.js';

const state = 'A'.repeat(43);
const q = (s: string) => parseCallbackParams(new URLSearchParams(s));

describe('parseCallbackParams', () => {
  it('accepts a code with our state', () => {
    expect(q(`code=03bf0a1b-2c3d&state=${state}`)).toEqual({ kind: 'code', code: '03bf0a1b-2c3d', state });
  });
  it.each([
    [`code=abcdefgh1&state=${state}&state=${state}`, 'repeated_parameter'],
    [`code=abcdefgh1&code=abcdefgh2&state=${state}`, 'repeated_parameter'],
    ['code=abcdefgh1&state=short', 'bad_state'],
    [`code=abcdefgh1&state=${'A'.repeat(42)}!`, 'bad_state'],
    [`state=${state}`, 'missing_code'],
    [`code=&state=${state}`, 'missing_code'],
    [`code=${encodeURIComponent('<script>')}&state=${state}`, 'bad_code'],
    [`code=${'a'.repeat(600)}&state=${state}`, 'bad_code'],
    [`error=${encodeURIComponent('<x>')}&state=${state}`, 'bad_error'],
  ])('rejects %s as %s', (query, reason) => {
    expect(q(query)).toEqual({ kind: 'malformed', reason });
  });
  it('recognises a cancel and other Notion errors', () => {
    expect(q(`error=access_denied&state=${state}`)).toEqual({ kind: 'denied', state });
    expect(q('error=access_denied&state=')).toEqual({ kind: 'denied', state: undefined });
    expect(q(`error=server_error&state=${state}`)).toEqual({ kind: 'notion_error', error: 'server_error', state });
  });
});
