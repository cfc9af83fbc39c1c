import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestTarget } from '../../../src/http/request-target.js';

describe('parseRequestTarget', () => {
  it.each([
    ['/healthz', '/healthz', ''],
    ['/notion/start?t=abc', '/notion/start', '?t=abc'],
    ['http://proxy.example/slack/events?x=1', '/slack/events', '?x=1'],
  ])('reads %s', (target, pathname, search) => {
    const url = parseRequestTarget(target);
    expect(url?.pathname).toBe(pathname);
    expect(url?.search).toBe(search);
  });

  it.each(['//[', 'http://[', '//a:99999/x', 'http://a:99999/x', '*', '', 'no-slash', 'javascript:alert(1)'])(
    'refuses %j',
    (target) => {
      expect(parseRequestTarget(target)).toBeUndefined();
    },
  );

  it('never throws, and any URL it gives is on localhost', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.string().map((s) => `/${s}`),
          fc.string().map((s) => `//${s}`),
        ),
        (target) => {
          const url = parseRequestTarget(target);
          if (url) expect(url.host).toBe('localhost');
        },
      ),
      { numRuns: 2000 },
    );
  });
});
