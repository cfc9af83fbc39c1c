import { createHmac } from 'node:crypto';

/** The User-Agent of Slack's requests to a request URL. */
export const SLACK_USER_AGENT = 'Slackbot 1.0 (+https://api.slack.com/robots)';

/** The headers Slack adds to every request it sends to a request URL. */
export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/**
 * Signs a request body exactly as Slack does (v0): HMAC-SHA256 over `v0:{timestamp}:{body}`
 * with the signing secret, hex, prefixed `v0=`. `timestamp` is in Unix seconds.
 */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  const ts = String(timestamp);
  const digest = createHmac('sha256', signingSecret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': ts };
}

export interface SendToSlackEndpointOptions {
  signingSecret: string;
  /** Unix seconds; now by default. */
  timestamp?: number;
  /** Defaults to form-encoded (slash commands, interactivity) unless the body starts with `{`. */
  contentType?: string;
  /** Extra headers, e.g. `x-slack-retry-num`, or a forged `x-slack-signature`. */
  headers?: Record<string, string>;
}

/** POSTs a body to a Slack request URL the way Slack does: signed, with Slack's content type. */
export async function sendSignedRequest(
  url: string,
  body: string,
  options: SendToSlackEndpointOptions,
): Promise<Response> {
  const contentType =
    options.contentType ??
    (body.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded');
  return fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': contentType,
      'user-agent': SLACK_USER_AGENT,
      ...signSlackRequest(options.signingSecret, body, options.timestamp),
      ...options.headers,
    },
  });
}
