/**
 * The bench's **floor**: a minimal Bolt app that acks and makes exactly one `pages.create` per save, then answers
 * once through the response_url. Where rows go is learnt once, when the user connects (one search), never per save.
 * It paces each connection to Notion's limit (told by the bench: FLOOR_RATE requests/s after FLOOR_BURST, at 95 %
 * of the rate so loopback jitter does not turn into 429s), so no call is wasted: the least work and the least time
 * a save can take under that limit. Run by `npm run bench` as its own process, compiled to JavaScript first.
 */
import { Client, LogLevel } from '@notionhq/client';
import { announceStarted, readEnv, startMinimalApp, titlePropertyOf } from './minimal-connect.js';

const env = readEnv(process.env);
const rate = Number(process.env.FLOOR_RATE ?? 3) * 0.95;
const burst = Number(process.env.FLOOR_BURST ?? 10);

interface Target {
  notion: Client;
  dataSourceId: string;
  title: string;
  /** Reservation token bucket: may go negative; a negative balance is the wait before the call. */
  tokens: number;
  at: number;
}
const targets = new Map<string, Target>();

/** Milliseconds to wait before this connection's next call stays within the limit. */
function reserve(target: Target): number {
  const now = Date.now();
  target.tokens = Math.min(burst, target.tokens + ((now - target.at) / 1000) * rate) - 1;
  target.at = now;
  return target.tokens >= 0 ? 0 : (-target.tokens / rate) * 1000;
}

const port = await startMinimalApp(
  {
    env,
    async onConnected(userKey, accessToken) {
      const notion = new Client({ auth: accessToken, baseUrl: env.notionApiUrl, logLevel: LogLevel.ERROR });
      const found = await notion.search({ filter: { property: 'object', value: 'data_source' } });
      const first = found.results[0];
      if (!first || first.object !== 'data_source' || !('properties' in first))
        throw new Error('no shared data source');
      // The search above used one of the bucket's calls.
      targets.set(userKey, {
        notion,
        dataSourceId: first.id,
        title: titlePropertyOf(first.properties),
        tokens: burst - 1,
        at: Date.now(),
      });
    },
    async onSave({ userKey, text, respond }) {
      const target = targets.get(userKey);
      if (!target) return;
      const wait = reserve(target);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        await target.notion.pages.create({
          parent: { type: 'data_source_id', data_source_id: target.dataSourceId },
          properties: { [target.title]: { title: [{ text: { content: text.slice(0, 2000) } }] } },
        });
        await respond({ response_type: 'ephemeral', text: 'Saved to Notion.' });
      } catch {
        await respond({ response_type: 'ephemeral', text: 'Could not save.' }).catch(() => undefined);
      }
    },
  },
  Number(process.env.PORT ?? 0),
);
announceStarted(port);
