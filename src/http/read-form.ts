import type { IncomingMessage } from 'node:http';

export type FormRead = { kind: 'form'; fields: URLSearchParams } | { kind: 'too_large' } | { kind: 'not_a_form' };

/**
 * Reads a small `application/x-www-form-urlencoded` body. Stops reading (and drops the rest) past
 * `maxBytes`, so an oversized or endless body costs at most that much memory.
 */
export async function readForm(req: IncomingMessage, maxBytes: number): Promise<FormRead> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    return { kind: 'not_a_form' };
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    req.resume();
    return { kind: 'too_large' };
  }
  // Events rather than `for await`: leaving that loop early destroys the request, and with it the
  // socket the answer must go out on.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      resolve({ kind: 'too_large' });
    };
    req.on('data', onData);
    req.once('end', () => {
      if (size <= maxBytes)
        resolve({ kind: 'form', fields: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) });
    });
    req.once('error', reject);
  });
}
