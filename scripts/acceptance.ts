/**
 * `npm run acceptance`: issue 12's scenario table at the scale, against the real product process (`npm start`'s
 * dist/main.js, NODE_ENV=production, a fresh SQLite store per scenario) and the local emulations (Notion answering after
 * 150 ms, 3 requests/s per token with a burst of 10). A check, not a test: `npm test` never runs it, but it exits
 * non-zero when a scenario misses its acceptance. `--only N` runs one scenario.
 *
 * Counts per scenario: acked (HTTP 200 to the signed /save-tweet), lost (acked, no row in the end), doubled (a link with
 * more than one row), unanswered (acked, no answer on its response_url carrying "Saved" or the row's link), told failed
 * (any answer on a response_url worded as a failure: failed, gave_up, rate_limited, slow_down in src/chat/messages.ts).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { readOptions, usageError } from '../bench/lib/cli.js';
import { spawnApp, type RunningApp } from '../bench/lib/spawn-app.js';
import { pool } from '../bench/lib/stats.js';
import { startFxTwitterSandbox, type FxTwitterSandbox } from '../src/sandbox/fxtwitter/fxtwitter-sandbox.js';
import { startNotionSandbox, type NotionSandbox } from '../src/sandbox/notion/notion-sandbox.js';
import { startOembedSandbox, type OembedSandbox } from '../src/sandbox/oembed/oembed-sandbox.js';
import { slashCommandBody } from '../src/sandbox/slack/payloads.js';
import { sendSignedRequest } from '../src/sandbox/slack/sign-request.js';
import { startSlackSandbox, type SlackSandbox } from '../src/sandbox/slack/slack-sandbox.js';
import { completeConnect } from '../test/helpers/connect-flow.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HELP = `npm run acceptance -- [options]
  --only N       run scenario N only (1 to 4: kill -9 burst, one user's 120, Notion 503, 1000 saves)
  --keep-logs    keep each product's working directory (its log, its SQLite store) and print where`;
const argv = readOptions({ only: { type: 'string' }, 'keep-logs': { type: 'boolean', default: false } }, HELP);
const CLIENT = { clientId: 'acceptance-client', clientSecret: randomBytes(16).toString('hex') };
const SIGNING_SECRET = randomBytes(16).toString('hex');
const BOT_TOKEN = `xoxb-acceptance-${randomBytes(8).toString('hex')}`;
const RATE = 3;
const BURST = 10;
const log = (msg: string) => console.error(`[acceptance ${new Date().toISOString().slice(11, 19)}] ${msg}`);
/** Failure wording of the failed, gave_up, rate_limited and slow_down outcomes (src/chat/messages.ts). */
const FAILURE = /nothing was saved|gave up saving|refused the row|went wrong|send this one again/i;
const CONNECT_LINK = /https?:\/\/[^\s"<>|]+\/oauth\/notion\/start\?t=[\w-]+/;

interface Emulations {
  notion: NotionSandbox;
  slack: SlackSandbox;
  oembed: OembedSandbox;
  fxtwitter: FxTwitterSandbox;
}
interface User {
  teamId: string;
  userId: string;
  dataSourceId: string;
}
interface Product {
  proc: RunningApp;
  url: string;
}
interface Save {
  user: User;
  link: string;
  responseId: string;
  acked: boolean;
}
interface Figures {
  scenario: string;
  acked: number;
  lost: number;
  doubled: number;
  unanswered: number;
  toldFailed: number;
  time: string;
  pass: boolean;
  detail: string[];
}

/** `npm start`'s node arguments, read from package.json so the product starts exactly as it does. */
function productNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start!.replace(/^exec\s+/, '').split(/\s+/);
  if (words[0] !== 'node') throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  return words.slice(1).map((w) => (w.endsWith('.js') ? join(ROOT, w) : w));
}

async function startEmulations(): Promise<Emulations> {
  return {
    notion: await startNotionSandbox({
      clients: [{ ...CLIENT, redirectUris: [] }],
      latencyMs: 150,
      rateLimit: { requestsPerSecond: RATE, burst: BURST },
    }),
    slack: await startSlackSandbox({ botToken: BOT_TOKEN }),
    oembed: await startOembedSandbox(),
    fxtwitter: await startFxTwitterSandbox(),
  };
}

async function closeEmulations(emu: Emulations): Promise<void> {
  await emu.notion.close();
  await emu.slack.close();
  await emu.oembed.close();
  await emu.fxtwitter.close();
}

/** The product on `dir`'s SQLite store; a second start on the same dir and key is the restart on the same store. */
async function startProduct(emu: Emulations, dir: string, key: string, run: number): Promise<Product> {
  const proc = await spawnApp({
    args: productNodeArgs(),
    cwd: dir,
    logPath: join(dir, `product-${run}.log`),
    env: {
      PORT: '0',
      NODE_ENV: 'production',
      NOTION_CLIENT_ID: CLIENT.clientId,
      NOTION_CLIENT_SECRET: CLIENT.clientSecret,
      NOTION_API_URL: emu.notion.url,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: emu.slack.apiUrl,
      STORE_URL: `sqlite://${join(dir, 'store.sqlite')}`,
      TOKEN_ENCRYPTION_KEY: key,
      DATA_DIR: join(dir, 'data'),
      TWEET_OEMBED_URL: emu.oembed.url,
      FXTWITTER_API_URL: emu.fxtwitter.url,
    },
  });
  const redirectUri =
    typeof proc.started.redirectUri === 'string'
      ? proc.started.redirectUri
      : `http://localhost:${proc.port}/oauth/notion/callback`;
  emu.notion.registerRedirectUri(CLIENT.clientId, redirectUri);
  return { proc, url: `http://127.0.0.1:${proc.port}` };
}

const post = (p: Product, body: string) =>
  sendSignedRequest(`${p.url}/slack/events`, body, { signingSecret: SIGNING_SECRET });

async function waitUntil<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A new user with a Tweets table, connected as a new user is: /notion-connect, the DM'd link, Notion's consent. */
async function connectUser(p: Product, emu: Emulations, userId: string): Promise<User> {
  const ws = emu.notion.addWorkspace({ name: `acceptance ${userId}` });
  const table = emu.notion.addTable(ws.id, {
    title: 'Tweets',
    properties: { Name: 'title', Tweet: 'rich_text', Link: 'url', Saved: 'date' },
  });
  const dms = () => emu.slack.messagesTo(userId).filter((m) => m.via === 'chat.postMessage');
  const before = dms().length;
  const responseUrl = emu.slack.newResponseUrl({ userId });
  const res = await post(
    p,
    slashCommandBody({ teamId: emu.slack.teamId, userId, command: '/notion-connect', text: '', responseUrl }),
  );
  await res.text();
  if (res.status !== 200) throw new Error(`/notion-connect answered ${res.status}`);
  const link = await waitUntil('the connect DM', () => {
    const dm = dms()[before];
    return dm ? (CONNECT_LINK.exec(JSON.stringify(dm.blocks ?? dm.text))?.[0] ?? '') : undefined;
  });
  if (!link) throw new Error('no connect link in the DM');
  const page = await completeConnect(link, emu.notion, { workspaceId: ws.id });
  await page.text();
  if (page.status !== 200) throw new Error(`the OAuth callback answered ${page.status}`);
  await waitUntil('the connected DM', () => dms()[before + 1]);
  return { teamId: emu.slack.teamId, userId, dataSourceId: table.dataSourceId };
}

async function connectUsers(p: Product, emu: Emulations, tag: string, count: number): Promise<User[]> {
  const users = new Array<User>(count);
  await pool(count, 5, async (i) => {
    users[i] = await connectUser(p, emu, `U${tag}${i}`);
  });
  return users;
}

let tweetSerial = 2_000_000_000;
/** `count` saves, save i from user i mod users, each a distinct tweet both tweet sources know. */
function planSaves(emu: Emulations, users: User[], count: number): Save[] {
  return Array.from({ length: count }, (_, i) => {
    const id = String(tweetSerial++);
    const handle = `acc${i % 997}`;
    emu.oembed.addTweet(id, {
      handle,
      name: `Acc ${handle}`,
      text: `Acceptance tweet ${id}`,
      date: 'December 2, 2026',
    });
    emu.fxtwitter.addTweet({
      id,
      handle,
      name: `Acc ${handle}`,
      text: `Acceptance tweet ${id}`,
      createdAt: '2026-12-02T12:00:00.000Z',
    });
    const user = users[i % users.length]!;
    const responseUrl = emu.slack.newResponseUrl({ userId: user.userId });
    return {
      user,
      link: `https://x.com/${handle}/status/${id}`,
      responseId: responseUrl.slice(responseUrl.lastIndexOf('/') + 1),
      acked: false,
      responseUrl,
    } as Save & { responseUrl: string };
  });
}

/** Sends every save with `concurrency` in flight; a save is acknowledged only by an HTTP 200. */
async function send(getProduct: () => Product, saves: Save[], concurrency: number): Promise<void> {
  await pool(saves.length, concurrency, async (i) => {
    const s = saves[i] as Save & { responseUrl: string };
    const body = slashCommandBody({
      teamId: s.user.teamId,
      userId: s.user.userId,
      command: '/save-tweet',
      text: s.link,
      responseUrl: s.responseUrl,
    });
    try {
      const res = await post(getProduct(), body);
      await res.arrayBuffer();
      s.acked = res.status === 200;
    } catch {
      s.acked = false; // the process died before answering
    }
  });
}

/** Live rows of the users' tables by Link, each with its URL. */
function rowsByLink(emu: Emulations, users: User[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const ds of new Set(users.map((u) => u.dataSourceId))) {
    for (const row of emu.notion.rows(ds).filter((r) => !r.inTrash)) {
      const link = (row.properties.Link as { url?: string } | undefined)?.url ?? '';
      m.set(link, [...(m.get(link) ?? []), row.url]);
    }
  }
  return m;
}

function answersOf(emu: Emulations, id: string): string[] {
  return emu.slack.responses.filter((r) => r.id === id).map((r) => JSON.stringify(r.body));
}

function isFinal(answers: string[], rowUrls: string[]): boolean {
  return answers.some((a) => /"text":"Saved/.test(a) || rowUrls.some((u) => a.includes(u)));
}

/**
 * Waits until every acked save has a row and a final answer, or nothing new (row or answer) arrived for `quietMs`,
 * or `maxMs` passed.
 */
async function settle(
  emu: Emulations,
  users: User[],
  saves: Save[],
  opts: { quietMs?: number; maxMs?: number } = {},
): Promise<void> {
  const quietMs = opts.quietMs ?? 10_000;
  const deadline = Date.now() + (opts.maxMs ?? 180_000);
  let lastSeen = -1;
  let quietSince = Date.now();
  for (;;) {
    const rows = rowsByLink(emu, users);
    const acked = saves.filter((s) => s.acked);
    const done = acked.every((s) => rows.has(s.link) && isFinal(answersOf(emu, s.responseId), rows.get(s.link)!));
    if (done) return;
    const seen = [...rows.values()].reduce((n, r) => n + r.length, 0) + emu.slack.responses.length;
    if (seen !== lastSeen) {
      lastSeen = seen;
      quietSince = Date.now();
    }
    if (Date.now() - quietSince > quietMs || Date.now() > deadline) return;
    await sleep(200);
  }
}

function count(scenario: string, emu: Emulations, users: User[], saves: Save[]): Omit<Figures, 'time' | 'pass'> {
  const rows = rowsByLink(emu, users);
  const acked = saves.filter((s) => s.acked);
  const lost = acked.filter((s) => !rows.has(s.link));
  const doubled = saves.filter((s) => (rows.get(s.link)?.length ?? 0) > 1);
  const unanswered = acked.filter((s) => !isFinal(answersOf(emu, s.responseId), rows.get(s.link) ?? []));
  const toldFailed = saves.filter((s) => answersOf(emu, s.responseId).some((a) => FAILURE.test(a)));
  const detail: string[] = [];
  const show = (what: string, list: Save[]) => {
    if (list.length === 0) return;
    detail.push(
      `${scenario}: ${what} ${list.length}, e.g. ${list
        .slice(0, 5)
        .map((s) => s.link)
        .join(' ')}`,
    );
    for (const s of list.slice(0, 3)) detail.push(`  ${s.link} answers: ${answersOf(emu, s.responseId).join(' | ')}`);
  };
  show('lost', lost);
  show('doubled', doubled);
  show('unanswered', unanswered);
  show('told failed', toldFailed);
  return {
    scenario,
    acked: acked.length,
    lost: lost.length,
    doubled: doubled.length,
    unanswered: unanswered.length,
    toldFailed: toldFailed.length,
    detail,
  };
}

const zero = (f: Omit<Figures, 'time' | 'pass'>) =>
  f.acked > 0 && f.lost === 0 && f.doubled === 0 && f.unanswered === 0 && f.toldFailed === 0;

/** When the last successful page creation the emulation answered after log index `logStart` finished. */
function lastRowAt(emu: Emulations, logStart: number): number {
  let last = 0;
  for (const e of emu.notion.requests.slice(logStart))
    if (e.method === 'POST' && e.path === '/v1/pages' && e.status === 200) last = Math.max(last, e.finishedAt ?? 0);
  return last;
}

interface Scenario {
  name: string;
  run(ctx: { emu: Emulations; dir: string; key: string }): Promise<Figures>;
}

const SCENARIOS: Scenario[] = [
  {
    name: '`kill -9` with 300 saves by 10 users in flight, restart on the same store',
    async run({ emu, dir, key }) {
      let p = await startProduct(emu, dir, key, 1);
      const users = await connectUsers(p, emu, 'KILL', 10);
      const saves = planSaves(emu, users, 300);
      const sending = send(() => p, saves, 300);
      // Kill once some rows are written and the rest are still on their way.
      await waitUntil('30 rows', () => ([...rowsByLink(emu, users).values()].length >= 30 ? true : undefined), 60_000);
      process.kill(p.proc.pid, 'SIGKILL');
      await p.proc.stop();
      await sending;
      const rowsAtKill = rowsByLink(emu, users).size;
      log(`killed with ${rowsAtKill} rows; ${saves.filter((s) => s.acked).length} acked; restarting`);
      p = await startProduct(emu, dir, key, 2);
      // The dead process's claimed jobs come back when their SQLite lease (30 s) runs out: wait longer than that.
      await settle(emu, users, saves, { quietMs: 45_000 });
      await p.proc.stop();
      const f = count(this.name, emu, users, saves);
      return { ...f, time: `killed at ${rowsAtKill} rows`, pass: zero(f) };
    },
  },
  {
    name: 'one user sends 120 saves at once',
    async run({ emu, dir, key }) {
      const p = await startProduct(emu, dir, key, 1);
      const users = await connectUsers(p, emu, 'BURST', 1);
      const saves = planSaves(emu, users, 120);
      const logStart = emu.notion.requests.length;
      const first = Date.now();
      await send(() => p, saves, 120);
      await settle(emu, users, saves);
      await p.proc.stop();
      const f = count(this.name, emu, users, saves);
      const allRows = f.lost === 0 && saves.every((s) => s.acked);
      const s = (lastRowAt(emu, logStart) - first) / 1000;
      const limit = ((120 - BURST) / RATE) * 1.5; // 36.7 s x 1.5
      return {
        ...f,
        time: `${s.toFixed(1)} s (limit ${limit.toFixed(1)} s)`,
        pass: zero(f) && allRows && s <= limit,
      };
    },
  },
  {
    name: 'Notion answers 503 for 20 s in the middle of 100 saves',
    async run({ emu, dir, key }) {
      const p = await startProduct(emu, dir, key, 1);
      const users = await connectUsers(p, emu, 'OUTAGE', 10);
      const saves = planSaves(emu, users, 100);
      const sending = send(() => p, saves, 100);
      await waitUntil('20 rows', () => ([...rowsByLink(emu, users).values()].length >= 20 ? true : undefined), 60_000);
      const rowsAtOutage = rowsByLink(emu, users).size;
      emu.notion.setOutage(true);
      await sleep(20_000);
      emu.notion.setOutage(false);
      await sending;
      await settle(emu, users, saves);
      await p.proc.stop();
      const f = count(this.name, emu, users, saves);
      return { ...f, time: `outage from ${rowsAtOutage} rows`, pass: zero(f) };
    },
  },
  {
    name: '1000 saves by 50 users, 100 in flight',
    async run({ emu, dir, key }) {
      const p = await startProduct(emu, dir, key, 1);
      const users = await connectUsers(p, emu, 'LOAD', 50);
      const saves = planSaves(emu, users, 1000);
      const logStart = emu.notion.requests.length;
      const first = Date.now();
      await send(() => p, saves, 100);
      await settle(emu, users, saves);
      await p.proc.stop();
      const f = count(this.name, emu, users, saves);
      const s = (lastRowAt(emu, logStart) - first) / 1000;
      return { ...f, time: `all rows ${s.toFixed(1)} s`, pass: zero(f) };
    },
  },
];

function table(rows: Figures[]): string {
  const lines = [
    '| scenario | acked | lost | doubled | unanswered | told failed | time | pass/fail |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.acked} | ${r.lost} | ${r.doubled} | ${r.unanswered} | ${r.toldFailed} | ${r.time} | ` +
        `${r.pass ? 'pass' : 'FAIL'} |`,
    ),
    '| two instances on one Redis, one killed mid-run | – | – | – | – | – | – | not run here: `npx vitest run test/e2e/core/two-instances.test.ts` (Redis and PostgreSQL, 240 saves) |',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const only = argv.only === undefined ? undefined : Number(argv.only);
  if (only !== undefined && !(Number.isInteger(only) && only >= 1 && only <= SCENARIOS.length))
    usageError(`--only must be 1..${SCENARIOS.length}`, HELP);
  log('building dist/ (npm start does the same)');
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
  const results: Figures[] = [];
  for (const [i, sc] of SCENARIOS.entries()) {
    if (only !== undefined && only !== i + 1) continue;
    log(`scenario ${i + 1}: ${sc.name}`);
    const emu = await startEmulations();
    const dir = mkdtempSync(join(tmpdir(), `acceptance-${i + 1}-`));
    const started = Date.now();
    try {
      const f = await sc.run({ emu, dir, key: randomBytes(32).toString('base64') });
      for (const d of f.detail) log(d);
      log(`scenario ${i + 1}: ${f.pass ? 'pass' : 'FAIL'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      results.push(f);
    } finally {
      await closeEmulations(emu);
      if (argv['keep-logs']) log(`kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    }
  }
  const md =
    `${table(results)}\n\n` +
    `Run ${new Date().toISOString()}; the machine is shared, so times are noisy. ` +
    'Notion emulation: 150 ms per call, 3 requests/s per token, burst 10.\n';
  console.log(`\n${md}`);
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'acceptance-latest.md'), md);
  console.log('written: bench/results/acceptance-latest.md');
  process.exit(results.every((r) => r.pass) ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error('acceptance failed:', err);
  process.exit(2);
});
