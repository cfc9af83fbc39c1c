import type { RespondFn } from '@slack/bolt';
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

/** A loggable summary of an error from Bolt or the Web API: code and message, never request data. */
export function errorSummary(err: unknown): { name?: string; code?: unknown; message?: string } {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; data?: { error?: unknown } };
    return { name: e.name, code: e.data?.error ?? e.code, message: e.message.slice(0, 300) };
  }
  return { message: String(err).slice(0, 300) };
}
