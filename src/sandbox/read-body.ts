import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body for the local emulations, keeping at most `limit` bytes: a body over it is
 * drained (so the caller can still answer with its own error) and reported by `size`, and past ten
 * times the limit the request is dropped, as no real client sends that much.
 */
export async function readCappedBody(req: IncomingMessage, limit: number): Promise<{ text: string; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit * 10) {
      req.destroy();
      break;
    }
    if (size <= limit) chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), size };
}
