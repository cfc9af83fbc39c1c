import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnProduct, type SpawnedProduct } from '../../helpers/spawn-product.js';

/** Sends raw bytes and resolves with the status line of the answer (or 'closed' when none came). */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer.split('\r\n')[0] || 'closed'));
    socket.write(bytes);
  });
}

describe('malformed requests against the running product', () => {
  let product: SpawnedProduct;

  beforeAll(async () => {
    product = await spawnProduct();
  });
  afterAll(async () => {
    await product?.kill();
  });

  it.each(['//[', 'http://[', '//a:99999/x', 'http://a:99999/x', '*', 'no-slash'])(
    'answers 400 to the request target %s and keeps serving',
    async (target) => {
      expect(await rawRequest(product.port, `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)).toBe(
        'HTTP/1.1 400 Bad Request',
      );
      expect(await rawRequest(product.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 200 OK');
    },
  );

  it('answers 413 to a body over 256 KB before reading it', async () => {
    const status = await rawRequest(
      product.port,
      `POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`,
    );
    expect(status).toBe('HTTP/1.1 413 Payload Too Large');
    expect(await rawRequest(product.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 200 OK');
  });

  it('is still the same process', () => {
    expect(product.child.exitCode).toBeNull();
    expect(product.output.join('\n')).toContain('"reason":"bad_request_target"');
  });
});
