import { Agent, request } from 'node:http';
import { SLACK_USER_AGENT, signSlackRequest } from '../../src/sandbox/slack/sign-request.js';

export interface SentRequest {
  status: number;
  body: string;
}

/**
 * Slack's side of the load: signed form POSTs over node:http with kept-alive connections. Not `fetch`: the load
 * generator also hosts the emulations on the same 2 cores, and undici's fetch cost it enough that its own event-loop
 * delay while sending (which lands in every measured ack) was p99 48-92 ms; with this sender it is 24-32 ms.
 * Every app in the bench gets the same sender.
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
            'user-agent': SLACK_USER_AGENT,
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
