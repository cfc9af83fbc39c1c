import fc from 'fast-check';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../helpers/world.js';

/** Sends raw bytes; resolves with the status line of the answer, or 'closed' when the server closed without one. */
function send(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) socket.end();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve('closed') : reject(err)));
    socket.on('close', () => resolve(answer.split('\r\n')[0] || 'closed'));
    socket.write(bytes, 'latin1');
  });
}

const ROUTES = ['/healthz', '/notion/start', '/notion/callback', '/slack/events', '/', '/nope', '//', '/%', '/%zz'];
const token = fc.stringMatching(/^[\x21-\x7e]{0,40}$/);
const request = fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'BREW'),
  target: fc.oneof(
    fc
      .tuple(fc.constantFrom(...ROUTES), fc.option(token))
      .map(([path, query]) => (query === null ? path : `${path}?${query}`)),
    token,
    fc.constantFrom('//[', 'http://[', '//a:99999/x', 'http://a:99999/', '*', '/%00', '/\u00ff'),
  ),
  headers: fc.array(
    fc.tuple(
      fc.constantFrom('content-type', 'x-slack-signature', 'x-slack-request-timestamp', 'cookie', 'origin', 'x-any'),
      fc.stringMatching(/^[\x20-\x7e]{0,60}$/),
    ),
    { maxLength: 4 },
  ),
  body: fc.string({ maxLength: 300 }),
});

describe('fuzzing the HTTP routes of the running product', () => {
  let world: World;
  let port: number;

  beforeAll(async () => {
    world = await startWorld({ slack: true });
    port = Number(new URL(world.product.url).port);
  });
  afterAll(() => world?.stop());

  it('answers every request without a server error and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ method, target, headers, body }) => {
        const bytes = Buffer.byteLength(body);
        const head = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
        const status = await send(
          port,
          `${method} ${target} HTTP/1.1\r\nHost: x\r\n${head}Content-Length: ${bytes}\r\n\r\n${body}`,
        );
        // 'closed': Node's parser refused the request line outright (it answers 400 and closes, or just closes).
        expect(status === 'closed' || /^HTTP\/1\.1 [1-4]\d\d /.test(status), `${method} ${target} -> ${status}`).toBe(
          true,
        );
      }),
      { numRuns: 5_000, interruptAfterTimeLimit: 5_000, markInterruptAsFailure: false },
    );
    expect(await send(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 200 OK');
  }, 30_000);
});
