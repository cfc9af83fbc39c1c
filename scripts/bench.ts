/**
 * `npm run bench`: the product side by side with a seed-style baseline and a floor, each as its own process, driven
 * from outside over HTTP with the same load against the same local emulations (nothing leaves 127.0.0.1). A
 * benchmark, not a test: it asserts nothing, and `npm test` never runs it. `npm run bench -- --help` lists the options.
 *
 * Per app: Slack ack latency (request sent -> HTTP 200 read), process CPU per save (/proc utime+stime), time until
 * every row exists (counted in the Notion emulation), Notion calls per row (its request log), peak RSS (VmHWM) and
 * idle RSS. For the product also: idle RSS with --stored connections already in the store, and one user's burst.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { sampleAcceptBacklog, type BacklogFigures } from '../bench/lib/accept-backlog.js';
import { intOption, readOptions, usageError } from '../bench/lib/cli.js';
import { readProcStats } from '../bench/lib/proc-stats.js';
import {
  markdownReport,
  markdownTable,
  type AppFigures,
  type BenchResult,
  type ProductExtras,
} from '../bench/lib/report.js';
import { seedSqliteConnections } from '../bench/lib/seed-connections.js';
import { createSlackSender } from '../bench/lib/slack-sender.js';
import { spawnApp, type RunningApp } from '../bench/lib/spawn-app.js';
import { percentile, pool } from '../bench/lib/stats.js';
import { startFxTwitterSandbox, type FxTwitterSandbox } from '../src/sandbox/fxtwitter/fxtwitter-sandbox.js';
import { startNotionSandbox, type NotionSandbox } from '../src/sandbox/notion/notion-sandbox.js';
import { startOembedSandbox, type OembedSandbox } from '../src/sandbox/oembed/oembed-sandbox.js';
import { slashCommandBody } from '../src/sandbox/slack/payloads.js';
import { startSlackSandbox, type SlackSandbox } from '../src/sandbox/slack/slack-sandbox.js';
import { completeConnect, consentAtNotion } from '../test/helpers/connect-flow.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HELP = `npm run bench -- [options]
  --users N           connected users sending the load (50)
  --requests N        signed /save-tweet requests in total, each a distinct tweet link (1000)
  --concurrency N     requests in flight (100)
  --latency-ms N      Notion emulation latency per call (150)
  --rate N            Notion requests/s per connection (3)
  --burst N           Notion burst per connection (10)
  --store S           product store: sqlite | memory | redis | postgres (sqlite)
  --redis-url URL     for --store redis (default TEST_REDIS_URL); use a scratch database
  --postgres-url URL  for --store postgres (default TEST_POSTGRES_URL); use a scratch database
  --stored N          connections seeded into the product's store for the at-rest RSS figure
                      (sqlite only; 100000; 0 skips)
  --burst-saves N     one user's burst of saves against the product (200; 0 skips)
  --apps LIST         which apps to run, comma-separated (product,baseline,floor)
  --max-wait-s N      longest wait for rows after the last ack (120)
  --quiet-s N         stop waiting for rows once the app made no Notion call for this long (30)
  --keep-logs         keep each app's working directory (its log, its SQLite store) and print where
  --cpu-prof          run the product with --cpu-prof; profiles land in bench/results/profiles/
  --accept-queue      sample each app's accept queue while sending (/proc/net/tcp every 50 ms; costs CPU)
  --product-env K=V   extra environment for the product (repeatable), e.g. LOG_LEVEL=warn`;

const argv = readOptions(
  {
    users: { type: 'string', default: '50' },
    requests: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '100' },
    'latency-ms': { type: 'string', default: '150' },
    rate: { type: 'string', default: '3' },
    burst: { type: 'string', default: '10' },
    store: { type: 'string', default: 'sqlite' },
    'redis-url': { type: 'string' },
    'postgres-url': { type: 'string' },
    stored: { type: 'string', default: '100000' },
    'burst-saves': { type: 'string', default: '200' },
    apps: { type: 'string', default: 'product,baseline,floor' },
    'max-wait-s': { type: 'string', default: '120' },
    'quiet-s': { type: 'string', default: '30' },
    'cpu-prof': { type: 'boolean', default: false },
    'keep-logs': { type: 'boolean', default: false },
    'accept-queue': { type: 'boolean', default: false },
    'product-env': { type: 'string', multiple: true, default: [] },
  },
  HELP,
);
const int = (name: string, raw: string, min: number) => intOption(name, raw, min, HELP);
const USERS = int('users', argv.users, 1);
const REQUESTS = int('requests', argv.requests, 1);
const CONCURRENCY = int('concurrency', argv.concurrency, 1);
const LATENCY_MS = int('latency-ms', argv['latency-ms'], 0);
const RATE = Number(argv.rate);
const BURST = int('burst', argv.burst, 1);
const STORED = int('stored', argv.stored, 0);
const BURST_SAVES = int('burst-saves', argv['burst-saves'], 0);
const MAX_WAIT_MS = int('max-wait-s', argv['max-wait-s'], 1) * 1000;
const QUIET_MS = int('quiet-s', argv['quiet-s'], 1) * 1000;
const STORE = argv.store;
if (!(RATE > 0)) usageError('--rate must be > 0', HELP);
if (!['sqlite', 'memory', 'redis', 'postgres'].includes(STORE))
  usageError('--store must be sqlite, memory, redis or postgres', HELP);
const APPS = argv.apps.split(',').map((a) => a.trim());
for (const a of APPS) if (!['product', 'baseline', 'floor'].includes(a)) usageError(`--apps: unknown app ${a}`, HELP);
const PRODUCT_ENV = Object.fromEntries(
  argv['product-env'].map((kv) => {
    const eq = kv.indexOf('=');
    if (eq < 1) usageError(`--product-env needs KEY=VALUE, got ${kv}`, HELP);
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  }),
);

type AppName = AppFigures['app'];
const CLIENT = { clientId: 'bench-client', clientSecret: randomBytes(16).toString('hex') };
const SIGNING_SECRET = randomBytes(16).toString('hex');
const BOT_TOKEN = `xoxb-bench-${randomBytes(8).toString('hex')}`;
const RESULTS = join(ROOT, 'bench', 'results');
const BUILD = join(ROOT, 'bench', '.build');
const notes: string[] = [];
const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

interface Emulations {
  notion: NotionSandbox;
  slack: SlackSandbox;
  oembed: OembedSandbox;
  fxtwitter: FxTwitterSandbox;
}

interface BenchUser {
  teamId: string;
  userId: string;
  workspaceId: string;
  dataSourceId: string;
}

/** `npm start`'s node arguments, read from package.json so the bench starts the product exactly as it does. */
function productNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start!.replace(/^exec\s+/, '').split(/\s+/);
  if (words[0] !== 'node') throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  return words.slice(1).map((w) => (w.endsWith('.js') ? join(ROOT, w) : w));
}

/** The product's `prestart` build, and the two comparison apps compiled to JavaScript (no loader in any app). */
function build(): void {
  log('building dist/ (npm start does the same) and the comparison apps');
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
  rmSync(BUILD, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      ...[
        '--outDir',
        BUILD,
        '--rootDir',
        join(ROOT, 'bench'),
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
      ],
      ...['--skipLibCheck', '--noCheck', '--types', 'node'],
      join(ROOT, 'bench/baseline-app.ts'),
      join(ROOT, 'bench/floor-app.ts'),
    ],
    { stdio: 'inherit' },
  );
  // The compiled files are ES modules, like the sources.
  writeFileSync(join(BUILD, 'package.json'), '{ "type": "module" }\n');
}

function storeUrl(dir: string): string {
  switch (STORE) {
    case 'memory':
      return 'memory://';
    case 'redis': {
      const url = argv['redis-url'] ?? process.env.TEST_REDIS_URL;
      if (!url) usageError('--store redis needs --redis-url or TEST_REDIS_URL', HELP);
      return url;
    }
    case 'postgres': {
      const url = argv['postgres-url'] ?? process.env.TEST_POSTGRES_URL;
      if (!url) usageError('--store postgres needs --postgres-url or TEST_POSTGRES_URL', HELP);
      return url;
    }
    default:
      return `sqlite://${join(dir, 'store.sqlite')}`;
  }
}

interface Started {
  proc: RunningApp;
  redirectUri: string;
  url: string;
}

async function startApp(
  app: AppName,
  emu: Emulations,
  dir: string,
  opts: { storeUrl?: string; key?: string } = {},
): Promise<Started> {
  const common = {
    PORT: '0',
    NOTION_CLIENT_ID: CLIENT.clientId,
    NOTION_CLIENT_SECRET: CLIENT.clientSecret,
    NOTION_API_URL: emu.notion.url,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: emu.slack.apiUrl,
  };
  const logPath = join(dir, `${app}.log`);
  let proc: RunningApp;
  if (app === 'product') {
    const prof = argv['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS, 'profiles')}`] : [];
    const args = productNodeArgs();
    proc = await spawnApp({
      args: [...prof, ...args],
      cwd: dir,
      logPath,
      env: {
        ...common,
        NODE_ENV: 'production',
        STORE_URL: opts.storeUrl ?? storeUrl(dir),
        TOKEN_ENCRYPTION_KEY: opts.key ?? randomBytes(32).toString('base64'),
        DATA_DIR: join(dir, 'data'),
        TWEET_OEMBED_URL: emu.oembed.url,
        FXTWITTER_API_URL: emu.fxtwitter.url,
        ...PRODUCT_ENV,
      },
    });
  } else {
    proc = await spawnApp({
      args: [join(BUILD, `${app}-app.js`)],
      cwd: dir,
      logPath,
      env: { ...common, NODE_ENV: 'production', FLOOR_RATE: String(RATE), FLOOR_BURST: String(BURST) },
    });
  }
  // 127.0.0.1, not localhost: every new connection would otherwise wait for a name lookup in the harness.
  const url = `http://127.0.0.1:${proc.port}`;
  const redirectUri =
    typeof proc.started.redirectUri === 'string'
      ? proc.started.redirectUri
      : `http://localhost:${proc.port}/oauth/notion/callback`;
  emu.notion.registerRedirectUri(CLIENT.clientId, redirectUri);
  return { proc, redirectUri, url };
}

const slackSender = createSlackSender(SIGNING_SECRET);
const post = (app: Started, body: string) => slackSender.send(`${app.url}/slack/events`, body);
const CONNECT_LINK = /https?:\/\/[^\s"<>|]+\/oauth\/notion\/start\?t=[\w-]+/;

async function waitUntil<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A new Notion workspace with a Tweets table, and its user connected through /notion-connect and the consent page. */
async function connectUser(app: AppName, started: Started, emu: Emulations, userId: string): Promise<BenchUser> {
  const ws = emu.notion.addWorkspace({ name: `${app} ${userId}` });
  const table = emu.notion.addTable(ws.id, {
    title: 'Tweets',
    properties: { Name: 'title', Tweet: 'rich_text', Link: 'url', Saved: 'date' },
  });
  const user = { teamId: emu.slack.teamId, userId, workspaceId: ws.id, dataSourceId: table.dataSourceId };
  const dms = () => emu.slack.messagesTo(userId).filter((m) => m.via === 'chat.postMessage');
  const before = dms().length;
  const responseUrl = emu.slack.newResponseUrl({ userId });
  const res = await post(
    started,
    slashCommandBody({ teamId: user.teamId, userId, command: '/notion-connect', text: '', responseUrl }),
  );
  const ack = res.body;
  if (res.status !== 200) throw new Error(`${app}: /notion-connect answered ${res.status}`);
  // The product DMs the link; the comparison apps put it in the ack.
  const link =
    CONNECT_LINK.exec(ack)?.[0] ??
    (await waitUntil(`${app}'s connect DM`, () => {
      const dm = dms()[before];
      return dm ? (CONNECT_LINK.exec(JSON.stringify(dm.blocks ?? dm.text))?.[0] ?? '') : undefined;
    }));
  if (!link) throw new Error(`${app}: no connect link`);
  // The product's link opens a confirmation page first (the test helper plays it); the comparison apps redirect.
  const page =
    app === 'product'
      ? await completeConnect(link, emu.notion, { workspaceId: ws.id })
      : await connectMinimal(link, emu.notion, ws.id);
  await page.text();
  if (page.status !== 200) throw new Error(`${app}: the OAuth callback answered ${page.status}`);
  // The product says "connected" by DM once it has picked the table.
  if (app === 'product') await waitUntil(`${app}'s connected DM`, () => dms()[before + 1]);
  return user;
}

/** The browser on a comparison app's link: its redirect to Notion, the consent, and back to its callback. */
async function connectMinimal(link: string, notion: NotionSandbox, workspaceId: string): Promise<Response> {
  const start = await fetch(link, { redirect: 'manual' });
  await start.arrayBuffer();
  const location = start.headers.get('location');
  if (start.status !== 302 || !location) throw new Error(`the connect link answered ${start.status}, not a redirect`);
  return fetch(await consentAtNotion(location, notion, { workspaceId }), { redirect: 'manual' });
}

interface LoadOutcome {
  ackMs: number[];
  /** Acks of the requests sent after the run's first second (the app's cold start behind it). */
  warmAckMs: number[];
  non200: number;
  rowsCreated: number;
  allRowsMs: number | null;
  /** When the last row that did appear was created (also when some never did). */
  lastRowMs: number | null;
  notionCalls: number;
  notion429s: number;
  answered: number;
  firstSentAt: number;
  harnessLagP99Ms: number;
  harnessLagMaxMs: number;
  acceptBacklog: BacklogFigures | undefined;
}

let tweetSerial = 1_000_000_000;
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const seconds = (ms: number | null) => (ms === null ? null : round(ms / 1000, 2));

/**
 * Sends `count` signed /save-tweet requests (request i from user i mod users, each a distinct tweet link) with
 * `concurrency` in flight, then waits until the emulation holds every row (or the app made no Notion call for
 * --quiet-s, or --max-wait-s passed since the last ack), and until the answers stop coming.
 */
async function runLoad(
  started: Started,
  emu: Emulations,
  users: BenchUser[],
  count: number,
  concurrency: number,
): Promise<LoadOutcome> {
  const jobs = Array.from({ length: count }, (_, i) => {
    const id = String(tweetSerial++);
    const handle = `bench${i % 997}`;
    // Both tweet sources the product may ask know every tweet, so no save depends on which one it asks first.
    emu.oembed.addTweet(id, {
      handle,
      name: `Bench ${handle}`,
      text: `Benchmark tweet ${id}`,
      date: 'December 2, 2026',
    });
    emu.fxtwitter.addTweet({
      id,
      handle,
      name: `Bench ${handle}`,
      text: `Benchmark tweet ${id}`,
      createdAt: '2026-12-02T12:00:00.000Z',
    });
    return { user: users[i % users.length]!, link: `https://x.com/${handle}/status/${id}` };
  });
  const logStart = emu.notion.requests.length;
  const responseIds = new Set<string>();
  const ackMs: number[] = [];
  const warmAckMs: number[] = [];
  let non200 = 0;
  // The harness's own event-loop lag while it sends: when it is high, the load generator (and the emulations it
  // hosts) and not only the app under test stretched the ack times.
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const backlog = argv['accept-queue'] ? sampleAcceptBacklog(started.proc.port) : undefined;
  const firstSentAt = Date.now();
  const firstSent = performance.now();
  await pool(count, concurrency, async (i) => {
    const { user, link } = jobs[i]!;
    const responseUrl = emu.slack.newResponseUrl({ userId: user.userId });
    responseIds.add(responseUrl.split('/').pop()!);
    const body = slashCommandBody({
      teamId: user.teamId,
      userId: user.userId,
      command: '/save-tweet',
      text: link,
      responseUrl,
    });
    const sent = performance.now();
    const took = () => {
      const ms = performance.now() - sent;
      ackMs.push(ms);
      if (sent - firstSent >= 1_000) warmAckMs.push(ms);
    };
    try {
      const res = await post(started, body);
      took();
      if (res.status !== 200) non200++;
    } catch {
      took();
      non200++;
    }
  });
  const acksDoneAt = Date.now();
  lag.disable();
  const acceptBacklog = await backlog?.stop();

  // Rows: successful page creations in the request log (scanned incrementally), checked against the rows at the end.
  let scanned = logStart;
  let created = 0;
  let lastCreatedAt = 0;
  let lastActivity = acksDoneAt;
  while (created < count) {
    const log = emu.notion.requests;
    for (; scanned < log.length; scanned++) {
      const e = log[scanned]!;
      if (e.status === undefined) break; // still in flight: look again next time
      lastActivity = Math.max(lastActivity, e.finishedAt ?? 0);
      if (e.method === 'POST' && e.path === '/v1/pages' && e.status === 200) {
        created++;
        lastCreatedAt = Math.max(lastCreatedAt, e.finishedAt ?? 0);
      }
    }
    if (log.length > scanned) lastActivity = Date.now();
    if (created >= count || Date.now() - lastActivity > QUIET_MS || Date.now() - acksDoneAt > MAX_WAIT_MS) break;
    await sleep(25);
  }
  // Answers: until every save has one, or none came for 2 s.
  const answeredNow = () => emu.slack.responses.reduce((n, r) => n + (responseIds.has(r.id) ? 1 : 0), 0);
  let answered = answeredNow();
  for (let quietSince = Date.now(); answered < count && Date.now() - quietSince < 2_000;) {
    await sleep(100);
    const now = answeredNow();
    if (now !== answered) quietSince = Date.now();
    answered = now;
  }
  answered = new Set(emu.slack.responses.filter((r) => responseIds.has(r.id)).map((r) => r.id)).size;

  const window = emu.notion.requests
    .slice(logStart)
    .filter((e) => e.path.startsWith('/v1/') && !e.path.startsWith('/v1/oauth/'));
  const userSet = new Set(users.map((u) => u.dataSourceId));
  const rowsCreated = [...userSet].reduce((n, ds) => n + emu.notion.rows(ds).filter((r) => !r.inTrash).length, 0);
  return {
    ackMs,
    warmAckMs,
    non200,
    rowsCreated,
    allRowsMs: created >= count && rowsCreated >= count ? lastCreatedAt - firstSentAt : null,
    lastRowMs: created > 0 ? lastCreatedAt - firstSentAt : null,
    notionCalls: window.length,
    notion429s: window.filter((e) => e.status === 429).length,
    answered,
    firstSentAt,
    harnessLagP99Ms: lag.percentile(99) / 1e6,
    harnessLagMaxMs: lag.max / 1e6,
    acceptBacklog,
  };
}

async function connectAll(
  app: AppName,
  started: Started,
  emu: Emulations,
  prefix: string,
  count: number,
): Promise<BenchUser[]> {
  const users: BenchUser[] = new Array<BenchUser>(count);
  await pool(count, 5, async (i) => {
    users[i] = await connectUser(app, started, emu, `${prefix}${i}`);
  });
  return users;
}

/** The product's own count of its /slack/events answers by duration (its /metrics histogram), by bucket bound in s. */
async function serverAckBuckets(started: Started): Promise<Map<number, number>> {
  const text = await (await fetch(`${started.url}/metrics`)).text();
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = /^save_to_notion_http_request_duration_seconds_bucket\{(.*)\} (\d+)$/.exec(line);
    if (!m || !m[1]!.includes('route="/slack/events"')) continue;
    const le = /le="([^"]+)"/.exec(m[1]!)?.[1];
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(m[2]));
  }
  return buckets;
}

/** The load's share of answers within 200 ms and the bucket its p99 falls in, from two histogram snapshots. */
function serverAckFigures(before: Map<number, number>, after: Map<number, number>): AppFigures['serverAcks'] {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const count = (b: number) => (after.get(b) ?? 0) - (before.get(b) ?? 0);
  const total = count(Infinity);
  if (total === 0) return undefined;
  const p99 = bounds.find((b) => count(b) >= 0.99 * total) ?? Infinity;
  return { answers: total, within200msPct: round((100 * count(0.2)) / total), p99AtMostMs: p99 * 1000 };
}

async function benchApp(app: AppName, emu: Emulations, extras: ProductExtras): Promise<AppFigures> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${app}-`));
  try {
    log(`${app}: starting`);
    const started = await startApp(app, emu, dir);
    const tag = app.slice(0, 1).toUpperCase();
    log(`${app}: connecting ${USERS} users`);
    const users = await connectAll(app, started, emu, `U${tag}BENCH`, USERS);
    await sleep(1_000);
    const idle = readProcStats(started.proc.pid);
    const logBefore = started.proc.logLines();
    log(`${app}: ${REQUESTS} saves, ${CONCURRENCY} in flight`);
    const acksBefore = app === 'product' ? await serverAckBuckets(started) : undefined;
    const load = await runLoad(started, emu, users, REQUESTS, CONCURRENCY);
    const acksAfter = acksBefore ? await serverAckBuckets(started) : undefined;
    const after = readProcStats(started.proc.pid);
    const figures: AppFigures = {
      app,
      ackP50Ms: round(percentile(load.ackMs, 50)),
      ackP99Ms: round(percentile(load.ackMs, 99)),
      ackMaxMs: round(Math.max(...load.ackMs)),
      warmAckP99Ms: load.warmAckMs.length > 0 ? round(percentile(load.warmAckMs, 99)) : null,
      ackNon200: load.non200,
      ackOver1s: load.ackMs.filter((ms) => ms > 1000).length,
      cpuMsPerSave: round((after.cpuMs - idle.cpuMs) / REQUESTS, 2),
      allRowsS: seconds(load.allRowsMs),
      lastRowS: seconds(load.lastRowMs),
      rowsCreated: load.rowsCreated,
      rowsExpected: REQUESTS,
      notionCalls: load.notionCalls,
      callsPerRow: load.rowsCreated > 0 ? round(load.notionCalls / load.rowsCreated, 3) : null,
      notion429s: load.notion429s,
      peakRssMb: round(after.peakRssMb),
      idleRssMb: round(idle.rssMb),
      logLinesPerSave: round((started.proc.logLines() - logBefore) / REQUESTS, 2),
      answered: load.answered,
      harnessLagP99Ms: round(load.harnessLagP99Ms),
      harnessLagMaxMs: round(load.harnessLagMaxMs),
      ...(load.acceptBacklog ? { acceptBacklog: load.acceptBacklog } : {}),
      ...(acksBefore && acksAfter ? { serverAcks: serverAckFigures(acksBefore, acksAfter) } : {}),
    };
    log(`${app}: ${JSON.stringify(figures)}`);

    if (app === 'product' && BURST_SAVES > 0) {
      log(`product: one user, burst of ${BURST_SAVES} saves`);
      const [burstUser] = await connectAll(app, started, emu, 'UPBURST', 1);
      await sleep(1_000);
      const b = await runLoad(started, emu, [burstUser!], BURST_SAVES, CONCURRENCY);
      extras.burst = {
        saves: BURST_SAVES,
        completionS: seconds(b.allRowsMs),
        lastRowS: seconds(b.lastRowMs),
        rowsCreated: b.rowsCreated,
        floorS: round(Math.max(0, BURST_SAVES - BURST) / RATE, 2),
        notionCalls: b.notionCalls,
        notion429s: b.notion429s,
      };
      log(`product burst: ${JSON.stringify(extras.burst)}`);
    }
    await started.proc.stop();
    return figures;
  } finally {
    removeWorkDir(dir);
  }
}

function removeWorkDir(dir: string): void {
  if (argv['keep-logs']) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/** Idle RSS of a product started on a store that already holds `STORED` connections. */
async function benchStored(emu: Emulations): Promise<ProductExtras['stored']> {
  if (STORE !== 'sqlite') return { skipped: `seeding is done for --store sqlite only; this run used ${STORE}` };
  const dir = mkdtempSync(join(tmpdir(), 'bench-stored-'));
  try {
    const url = storeUrl(dir);
    const key = randomBytes(32).toString('base64');
    // The same start on an empty store first: "flat" means the two idle figures match.
    const empty = await startApp('product', emu, dir, { storeUrl: url, key });
    await sleep(3_000);
    const e = readProcStats(empty.proc.pid);
    await empty.proc.stop();
    log(`product: seeding ${STORED} connections into the SQLite store`);
    const seedStart = Date.now();
    await seedSqliteConnections({ storeUrl: url, tokenEncryptionKey: key, dataDir: join(dir, 'data'), count: STORED });
    const seedS = (Date.now() - seedStart) / 1000;
    const started = await startApp('product', emu, dir, { storeUrl: url, key });
    await sleep(3_000);
    const s = readProcStats(started.proc.pid);
    await started.proc.stop();
    return {
      connections: STORED,
      idleRssMb: round(s.rssMb),
      peakRssMb: round(s.peakRssMb),
      emptyIdleRssMb: round(e.rssMb),
      seedS: round(seedS),
    };
  } finally {
    removeWorkDir(dir);
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const load = loadavg();
  build();
  const emu: Emulations = {
    notion: await startNotionSandbox({
      clients: [{ ...CLIENT, redirectUris: [] }],
      latencyMs: LATENCY_MS,
      rateLimit: { requestsPerSecond: RATE, burst: BURST },
    }),
    slack: await startSlackSandbox({ botToken: BOT_TOKEN }),
    oembed: await startOembedSandbox(),
    fxtwitter: await startFxTwitterSandbox(),
  };
  const extras: ProductExtras = {};
  const apps: AppFigures[] = [];
  try {
    for (const app of APPS as AppName[]) apps.push(await benchApp(app, emu, extras));
    if (APPS.includes('product') && STORED > 0) extras.stored = await benchStored(emu);
  } finally {
    await emu.notion.close();
    await emu.slack.close();
    await emu.oembed.close();
    await emu.fxtwitter.close();
    slackSender.close();
  }
  notes.push(
    'The floor paces each connection at 95 % of the rate limit, so its calls per row stay 1.00; ' +
      "the baseline has only the SDK's default retries.",
    "CPU is the app process's utime+stime from /proc (10 ms ticks) from before the first request until the " +
      `answers stopped; the whole run took ${((Date.now() - startedAt) / 1000).toFixed(0)} s.`,
  );
  const result: BenchResult = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, loadavg: load },
    options: {
      quietS: QUIET_MS / 1000,
      maxWaitS: MAX_WAIT_MS / 1000,
      users: USERS,
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      latencyMs: LATENCY_MS,
      rate: RATE,
      burst: BURST,
      store: STORE,
      stored: STORED,
      burstSaves: BURST_SAVES,
      apps: APPS,
    },
    apps,
    product: extras,
    notes,
  };
  mkdirSync(RESULTS, { recursive: true });
  const stamp = result.at.replace(/[:.]/g, '-');
  const md = markdownReport(result);
  for (const name of [stamp, 'latest']) {
    writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(RESULTS, `${name}.md`), md);
  }
  console.log(`\n${markdownTable(result)}\n`);
  console.log(
    md
      .split('\n')
      .filter((l) => l.startsWith('- '))
      .join('\n'),
  );
  console.log(`\nwritten: bench/results/${stamp}.{json,md} and bench/results/latest.{json,md}`);
}

main().catch((err: unknown) => {
  console.error('bench failed:', err);
  process.exit(1);
});
