/** Slack's allowed clock difference in either direction. */
export const MAX_TIMESTAMP_SKEW_SECONDS = 5 * 60;

export type TimestampCheck = { ok: true } | { ok: false; reason: 'malformed' | 'future' };

/**
 * The future half of Slack's replay window, checked in front of Bolt: Bolt's own
 * verification rejects timestamps more than 5 minutes old (and bad signatures) but lets
 * far-future ones through, which would make a captured request replayable for as long as
 * its timestamp is ahead. A missing header passes here so that Bolt still answers Slack's
 * unsigned `ssl_check` and rejects everything else itself.
 */
export function checkRequestTimestamp(header: string | string[] | undefined, nowMs: number): TimestampCheck {
  if (header === undefined) return { ok: true };
  if (typeof header !== 'string' || !/^\d{1,12}$/.test(header)) return { ok: false, reason: 'malformed' };
  const nowSec = Math.floor(nowMs / 1000);
  if (Number(header) > nowSec + MAX_TIMESTAMP_SKEW_SECONDS) return { ok: false, reason: 'future' };
  return { ok: true };
}
