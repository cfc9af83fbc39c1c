import { createHash } from 'node:crypto';
import type { Tweet } from '../tweets/tweet.js';

/** Identifies a tweet within a table: its status id, else a digest of what we know of it. */
export function tweetKey(tweet: Tweet): string {
  if (tweet.id) return `id:${tweet.id}`;
  const digest = createHash('sha256')
    .update(`${tweet.handle ?? ''}\n${tweet.text ?? ''}`)
    .digest('hex')
    .slice(0, 32);
  return `text:${digest}`;
}
