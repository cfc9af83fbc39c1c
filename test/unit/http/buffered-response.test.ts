import { describe, expect, it } from 'vitest';
import { BufferedResponse } from '../../../src/http/buffered-response.js';

const json = (body: string, status = 200) =>
  new BufferedResponse(
    Buffer.from(body),
    status,
    'OK',
    { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] },
    'http://x/',
  );

describe('BufferedResponse', () => {
  it('reads as fetch does: status, ok, headers by any case, a UTF-8 body once', async () => {
    const res = json('\ufeff{"ü":"ß"}');
    expect([res.status, res.ok, res.statusText, res.url, res.redirected]).toEqual([
      200,
      true,
      'OK',
      'http://x/',
      false,
    ]);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(res.bodyUsed).toBe(false);
    await expect(res.json()).resolves.toEqual({ ü: 'ß' });
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(TypeError);
    expect(json('', 429).ok).toBe(false);
  });

  it('gives the bytes and an ArrayBuffer of its own', async () => {
    expect(new TextDecoder().decode(await json('abc').arrayBuffer())).toBe('abc');
    expect(await json('abc').bytes()).toEqual(new Uint8Array([97, 98, 99]));
  });

  it('makes a real Response for a stream, a blob or a clone, with the same body', async () => {
    const streamed = json('{"a":1}');
    const chunks: Uint8Array[] = [];
    for await (const chunk of streamed.body!) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('{"a":1}');
    expect(streamed.bodyUsed).toBe(true);
    await expect(streamed.text()).rejects.toThrow(TypeError);

    const cloned = json('{"a":1}').clone();
    expect(cloned.status).toBe(200);
    await expect(cloned.json()).resolves.toEqual({ a: 1 });
    await expect((await json('xy').blob()).text()).resolves.toBe('xy');
  });

  it('has no body for a null-body status, and a used body after a read stays used', async () => {
    const empty = new BufferedResponse(null, 204, 'No Content', {}, 'http://x/');
    expect(empty.body).toBeNull();
    await expect(empty.text()).resolves.toBe('');
    const read = json('{}');
    await read.text();
    expect(read.body).not.toBeNull();
    expect(read.bodyUsed).toBe(true);
    expect(() => read.clone()).toThrow(TypeError);
  });
});
