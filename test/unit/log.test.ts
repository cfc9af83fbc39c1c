import { describe, expect, it } from 'vitest';
import { createLogger, safeErrorFields, scrubSecrets, withLogContext } from '../../src/log.js';

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

describe('createLogger', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('trace', { write: (line: string) => void lines.push(JSON.parse(line)) });
    return { log, lines };
  };

  it("censors secret-named fields in the first three levels, arrays included, and leaves the caller's object as is", () => {
    const { log, lines } = capture();
    const fields = {
      token: 'xoxb-1',
      nested: { accessToken: 'ntn_1', deep: { refresh_token: 'nrt_1', fourth: { token: 'depth 4' } }, kept: 'k' },
      list: [{ secret: 's' }, 'plain'],
      response_url: 'https://hooks.slack.com/x',
      count: 3,
    };
    const before = structuredClone(fields);
    log.info(fields, 'hello');
    expect(lines[0]).toMatchObject({
      msg: 'hello',
      token: '[redacted]',
      nested: {
        accessToken: '[redacted]',
        deep: { refresh_token: '[redacted]', fourth: { token: 'depth 4' } },
        kept: 'k',
      },
      list: [{ secret: '[redacted]' }, 'plain'],
      response_url: '[redacted]',
      count: 3,
    });
    expect(fields).toEqual(before);
  });

  it("censors children's bindings at every generation, and an error's own fields, keeping its type and message", () => {
    const { log, lines } = capture();
    const err = Object.assign(new TypeError('boom'), { code: 'E_X', data: { token: 'xoxb-2' } });
    withLogContext({ requestId: 'r1' }, () =>
      log
        .child({ component: 'c', cookie: 'sid=1' })
        .child({ inner: { state: 'st' } })
        .error({ err }, 'failed'),
    );
    const line = lines[0]!;
    expect(line).toMatchObject({
      component: 'c',
      cookie: '[redacted]',
      inner: { state: '[redacted]' },
      requestId: 'r1',
    });
    expect(line.err).toMatchObject({ type: 'TypeError', message: 'boom', code: 'E_X', data: { token: '[redacted]' } });
    expect(JSON.stringify(line)).not.toMatch(/xoxb-2|sid=1|"st"/);
  });
});
