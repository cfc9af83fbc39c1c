import { Agent, request } from 'node:http';
import { signSlackRequest } from '../../src/sandbox/slack/sign-request.js';

export interface SentRequest {
  status: number;
  body: string;
}

/**
 * Slack's side of the load: signed form POSTs over node:http with kept-alive connections. Not `fetch`: at 100 in
 * flight, undici's fetch in the load generator (which also hosts the emulations) added up to a second of its own to
 * the measured acks: clusters of requests sent together read their 200 about 1 s later while the product's own
 * /metrics had answered every one within 200 ms (product-only run, ack p99 1,491 ms with fetch, 198 and 282 ms
 * with this sender). Every app in the bench gets the same sender.
 */
export function createSlackSender(signingSecret: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const send = (url: string, body: string): Promise<SentRequest> =>
    new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
            ...signSlackRequest(signingSecret, body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}
