import type { RespondFn } from '@slack/bolt';
import type { ReplyTo } from '../../core/save-jobs.js';
import type { Logger } from '../../log.js';
import type { SlackMessage } from './blocks.js';

/**
 * Answers through the payload's response_url, ephemerally (visible to the user only).
 * Failures (expired URL, 5 uses spent) are logged without the URL and swallowed: the
 * request was acked long ago and there is nobody else to tell.
 */
export async function respondEphemeral(
  respond: RespondFn | undefined,
  message: SlackMessage,
  log: Logger,
  opts: { replaceOriginal?: boolean } = {},
): Promise<boolean> {
  if (!respond) return false;
  try {
    await respond({
      response_type: 'ephemeral',
      text: message.text,
      blocks: message.blocks,
      replace_original: opts.replaceOriginal ?? false,
    });
    return true;
  } catch (err) {
    log.warn({ err: errorSummary(err) }, 'response_url answer failed');
    return false;
  }
}

/** How long Slack accepts answers on a response_url. */
const RESPONSE_URL_TTL_MS = 30 * 60_000;

/** Where a save job's answer goes: the request's response_url while it is valid (the notifier falls back to a DM). */
export function responseUrlReplyTo(responseUrl: string | undefined, opts: { replaceOriginal?: boolean } = {}): ReplyTo {
  if (!responseUrl) return { kind: 'dm' };
  const expiresAt = new Date(Date.now() + RESPONSE_URL_TTL_MS).toISOString();
  return {
    kind: 'slack_response_url',
    url: responseUrl,
    expiresAt,
    ...(opts.replaceOriginal ? { replaceOriginal: true } : {}),
  };
}

/** A loggable summary of an error from Bolt or the Web API: code and message, never request data. */
export function errorSummary(err: unknown): { name?: string; code?: unknown; message?: string } {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; data?: { error?: unknown } };
    return { name: e.name, code: e.data?.error ?? e.code, message: e.message.slice(0, 300) };
  }
  return { message: String(err).slice(0, 300) };
}
