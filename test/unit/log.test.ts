import { describe, expect, it } from 'vitest';
import { safeErrorFields, scrubSecrets } from '../../src/log.js';

describe('scrubSecrets', () => {
  it.each([
    'xoxb-1234-5678-abcdefghijkl',
    'xapp-1-A0-123-abcdef',
    'secret_abcdefghijklmnop',
    'ntn_1234567890abcdef',
    'nrt_0123456789',
    'Bearer abc.def-ghi',
    'a'.repeat(43),
  ])('removes %s', (secret) => {
    const scrubbed = scrubSecrets(`failed with ${secret} at the end`);
    expect(scrubbed).not.toContain(secret.replace(/^(Bearer) /, ''));
    expect(scrubbed).toContain('[redacted]');
  });

  it('keeps ordinary words and paths', () => {
    expect(scrubSecrets('Cannot read properties of undefined (reading "id") at /app/src/core/x.ts:1:2')).toBe(
      'Cannot read properties of undefined (reading "id") at /app/src/core/x.ts:1:2',
    );
  });

  it('describes an error without its secrets', () => {
    const err = Object.assign(new TypeError('token xoxb-1-2-abc rejected'), { code: 'E_X' });
    const fields = safeErrorFields(err);
    expect(fields).toMatchObject({ type: 'TypeError', code: 'E_X', message: 'token [redacted] rejected' });
    expect(JSON.stringify(fields)).not.toContain('xoxb-1-2-abc');
    expect(safeErrorFields('plain xoxp-9-9-z')).toEqual({ type: 'string', message: 'plain [redacted]' });
  });
});
