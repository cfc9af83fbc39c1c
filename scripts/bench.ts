/**
 * `npm run bench`: how fast the product answers and saves, and how much memory it holds, measured
 * against the local emulations (nothing leaves 127.0.0.1). Numbers, not pass/fail: tests never
 * assert on timing. Options: --users N (default 50), --saves N per user (default 10).
 *
 * What it measures:
 * - Slack ack latency: signed `/save-tweet` requests to the real Bolt app, until the HTTP 200
 *   (Slack's 3-second rule); and the time until the answer reaches the response_url.
 * - Core save throughput: saves of distinct tweets by many users at once, until Notion has the row.
 * - Duplicate answers: the same tweets again, answered from the index without a Notion call.
 * - Memory: RSS and heap after start, after the runs, and per connected user.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { ChatUser } from '../src/core/chat-user.js';
import { startNotionSandbox } from '../src/sandbox/notion/notion-sandbox.js';
import { startOembedSandbox } from '../src/sandbox/oembed/oembed-sandbox.js';
import { slashCommandBody } from '../src/sandbox/slack/payloads.js';
import { sendSignedRequest } from '../src/sandbox/slack/sign-request.js';
import { startSlackSandbox } from '../src/sandbox/slack/slack-sandbox.js';
import { completeConnect } from '../test/helpers/connect-flow.js';
import { startProduct, TEST_CLIENT } from '../test/helpers/product.js';

const { values } = parseArgs({ options: { users: { type: 'string', default: '50' }, saves: { type: 'string', default: '10' } } });
const USERS = Number(values.users);
const SAVES = Number(values.saves);
const SIGNING_SECRET = randomBytes(16).toString('hex');
const BOT_TOKEN = `xoxb-bench-${randomBytes(8).toString('hex')}`;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
function summary(name: string, samples: number[], totalMs: number): string {
  return `${name.padEnd(34)} n=${String(samples.length).padStart(5)}  p50 ${percentile(samples, 50).toFixed(1).padStart(7)} ms  p95 ${percentile(samples, 95).toFixed(1).padStart(7)} ms  max ${Math.max(...samples).toFixed(1).padStart(7)} ms  ${((samples.length / totalMs) * 1000).toFixed(0).padStart(5)}/s`;
}
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

async function main(): Promise<void> {
  const oembed = await startOembedSandbox();
  const notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
  const slack = await startSlackSandbox({ botToken: BOT_TOKEN });
  const { app } = await startProduct({
    notion,
    oembedUrl: oembed.url,
    env: { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl, LOG_LEVEL: 'silent' },
  });
  global.gc?.();
  const atStart = process.memoryUsage();

  console.log(`save-to-notion bench: ${USERS} users × ${SAVES} saves, memory store, local emulations\n`);

  const users: ChatUser[] = [];
  for (let i = 0; i < USERS; i++) {
    const ws = notion.addWorkspace({ name: `Workspace ${i}` });
    notion.addTable(ws.id, { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text', Link: 'url', Saved: 'date' } });
    const user: ChatUser = { platform: 'slack', teamId: `TBENCH${i}`, userId: `UBENCH${i}`, displayName: `user${i}` };
    await completeConnect((await app.core.connectUser(user)).url, notion, { workspaceId: ws.id });
    users.push(user);
  }
  await app.core.idle();

  // 1. Slack: signed slash commands through Bolt; ack latency and time to the response_url answer.
  const ackMs: number[] = [];
  const answerMs: number[] = [];
  const [, slackTotal] = await timed(() =>
    Promise.all(
      users.map(async (user, u) => {
        for (let s = 0; s < SAVES; s++) {
          const responseUrl = slack.newResponseUrl({ userId: user.userId });
          const body = slashCommandBody({ teamId: user.teamId!, userId: user.userId, command: '/save-tweet', text: `@bench${u} slack tweet ${s}`, responseUrl });
          const start = performance.now();
          const res = await sendSignedRequest(`${app.publicUrl}/slack/events`, body, { signingSecret: SIGNING_SECRET });
          await res.arrayBuffer();
          ackMs.push(performance.now() - start);
          const id = responseUrl.split('/').pop()!;
          while (!slack.responses.some((r) => r.id === id)) await new Promise((r) => setTimeout(r, 2));
          answerMs.push(performance.now() - start);
        }
      }),
    ),
  );

  // 2. Core: distinct tweets by all users at once, until the row exists.
  const saveMs: number[] = [];
  const [, saveTotal] = await timed(() =>
    Promise.all(
      users.flatMap((user, u) =>
        Array.from({ length: SAVES }, async (_, s) => {
          const [outcome, ms] = await timed(async () => await app.core.saveResult(await app.core.saveTweet(user, { text: `https://x.com/bench${u}/status/${1000 + s} text ${s}` })));
          if (outcome.kind !== 'saved') throw new Error(`save ${u}/${s}: ${outcome.kind}`);
          saveMs.push(ms);
        }),
      ),
    ),
  );

  // 3. The same tweets again: answered from the index.
  const dupMs: number[] = [];
  const notionCalls = notion.requests.length;
  const [, dupTotal] = await timed(() =>
    Promise.all(
      users.flatMap((user, u) =>
        Array.from({ length: SAVES }, async (_, s) => {
          const [outcome, ms] = await timed(async () => await app.core.saveResult(await app.core.saveTweet(user, { text: `https://x.com/bench${u}/status/${1000 + s}` })));
          if (outcome.kind !== 'already_saved') throw new Error(`duplicate ${u}/${s}: ${outcome.kind}`);
          dupMs.push(ms);
        }),
      ),
    ),
  );
  const dupNotionCalls = notion.requests.length - notionCalls;

  global.gc?.();
  const atEnd = process.memoryUsage();
  console.log(summary('Slack /save-tweet: HTTP ack', ackMs, slackTotal));
  console.log(summary('Slack /save-tweet: answer posted', answerMs, slackTotal));
  console.log(summary('core save -> row in Notion', saveMs, saveTotal));
  console.log(summary('duplicate -> "Already saved"', dupMs, dupTotal));
  console.log(`\nNotion calls for ${dupMs.length} duplicates: ${dupNotionCalls}`);
  console.log(`memory after start: rss ${mb(atStart.rss)}, heap ${mb(atStart.heapUsed)}`);
  console.log(`memory after runs:  rss ${mb(atEnd.rss)}, heap ${mb(atEnd.heapUsed)} (${((atEnd.heapUsed - atStart.heapUsed) / 1024 / USERS).toFixed(1)} KB heap per connected user, emulations included)`);
  if (!global.gc) console.log('(run with NODE_OPTIONS=--expose-gc for steadier memory numbers)');

  await app.stop();
  await slack.close();
  await notion.close();
  await oembed.close();
}

main().catch((err: unknown) => {
  console.error('bench failed:', err);
  process.exit(1);
});
