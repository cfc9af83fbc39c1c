/**
 * One world per test, for the e2e files: each `use…World()` registers the vitest hooks that start
 * the world before each test and stop it after, and returns an object whose getters give the
 * current test's world (call it at the top of a `describe`).
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { ChatUser } from '../../src/core/chat-user.js';
import type { Core } from '../../src/core/core.js';
import type { SaveOutcome } from '../../src/core/outcomes.js';
import { startFxTwitterSandbox, type FxTwitterSandbox } from '../../src/sandbox/fxtwitter/fxtwitter-sandbox.js';
import { startOembedSandbox, type OembedSandbox } from '../../src/sandbox/oembed/oembed-sandbox.js';
import { appHomeOpenedEvent, eventCallbackBody } from '../../src/sandbox/slack/payloads.js';
import { completeConnect } from './connect-flow.js';
import { recordNotices, type CoreNotices } from './core-notices.js';
import { startDiscordWorld, type DiscordWorld } from './discord-harness.js';
import { slackSam as sam, type SlackPerson as Person } from './fixtures.js';
import { waitFor } from './product.js';
import { slackDriver, type SlackDriver } from './slack-harness.js';
import { startWorld, type World } from './world.js';

type WorldOptions = NonNullable<Parameters<typeof startWorld>[0]>;

function current<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not started (used outside a test?)`);
  return value;
}

/** Parts of the current core-level world: the product's core driven directly, notices recorded. */
export interface CoreWorld {
  world: World;
  notion: World['notion'];
  product: World['product'];
  acme: World['acme'];
  /** The one table the world starts with. */
  table: World['table'];
  /** What core sent users outside a request. */
  notices: CoreNotices;
  core: Core;
  /** `user` saves `text` through core; the outcome. */
  save(user: ChatUser, text: string, options?: { table?: string }): Promise<SaveOutcome>;
  /** The rows of a table not in Notion's trash. */
  liveRows(dataSourceId: string): ReturnType<World['notion']['rows']>;
  /** Connects `user` through the browser flow (with `opts`) and waits for core to settle. */
  connect(user: ChatUser, opts?: Parameters<typeof completeConnect>[2]): Promise<void>;
}

/**
 * A core-level world per test: `startWorld(options)` (options may be a function, read in
 * `beforeEach`), with a recording notifier in place of the adapters.
 */
export function useCoreWorld(options: WorldOptions | (() => WorldOptions) = {}): CoreWorld {
  let world: World | undefined;
  let notices: CoreNotices | undefined;
  beforeEach(async () => {
    world = await startWorld(typeof options === 'function' ? options() : options);
    notices = recordNotices(world.product.app.core);
  });
  afterEach(() => current(world, 'the world').stop());
  const w = () => current(world, 'the world');
  return {
    get world() {
      return w();
    },
    get notion() {
      return w().notion;
    },
    get product() {
      return w().product;
    },
    get acme() {
      return w().acme;
    },
    get table() {
      return w().table;
    },
    get notices() {
      return current(notices, 'the notices');
    },
    get core() {
      return w().product.app.core;
    },
    save: async (user, text, saveOptions) =>
      await w().product.app.core.saveResult(await w().product.app.core.saveTweet(user, { text }, saveOptions)),
    liveRows: (dataSourceId) =>
      w()
        .notion.rows(dataSourceId)
        .filter((r) => !r.inTrash),
    async connect(user, opts = {}) {
      const core = w().product.app.core;
      const page = await completeConnect((await core.connectUser(user)).url, w().notion, opts);
      expect(page.status).toBe(200);
      await core.idle();
    },
  };
}

/** Parts of the current Slack world: the real Bolt app against the Slack sandbox, and a driver. */
export interface SlackWorld {
  world: World;
  notion: World['notion'];
  slack: NonNullable<World['slack']>;
  product: World['product'];
  acme: World['acme'];
  /** The "Tweets" table in Acme. */
  tweets: World['table'];
  d: SlackDriver;
  /** The Home tab as published after `trigger` (`app_home_opened`, or a click in it). */
  homeAfter(trigger: () => Promise<unknown>): Promise<{ blocks?: unknown[] }>;
  /** `app_home_opened` for `who` (Sam unless told). */
  openHome(who?: Person): ReturnType<SlackDriver['post']>;
}

/** A Slack world per test: `startWorld({ slack: true })` and a `slackDriver` for it. */
export function useSlackWorld(options: Omit<WorldOptions, 'slack'> = {}): SlackWorld {
  let world: World | undefined;
  let d: SlackDriver | undefined;
  beforeEach(async () => {
    world = await startWorld({ ...options, slack: true });
    d = slackDriver({ notion: world.notion, slack: world.slack!, product: world.product });
  });
  afterEach(() => current(world, 'the world').stop());
  const w = () => current(world, 'the world');
  return {
    get world() {
      return w();
    },
    get notion() {
      return w().notion;
    },
    get slack() {
      return w().slack!;
    },
    get product() {
      return w().product;
    },
    get acme() {
      return w().acme;
    },
    get tweets() {
      return w().table;
    },
    get d() {
      return current(d, 'the Slack driver');
    },
    async homeAfter(trigger) {
      const slack = w().slack!;
      const before = slack.callsTo('views.publish').length;
      await trigger();
      const publish = await waitFor(() => slack.callsTo('views.publish')[before], { what: 'the Home tab' });
      return publish.args.view as { blocks?: unknown[] };
    },
    openHome(who = sam) {
      const slack = w().slack!;
      return current(d, 'the Slack driver').post(
        eventCallbackBody({
          teamId: who.teamId,
          botUserId: slack.botUserId,
          event: appHomeOpenedEvent({ userId: who.userId, channel: slack.imChannelFor(who.userId) }),
        }),
      );
    },
  };
}

/**
 * A Discord world per test (`startDiscordWorld`), sharing one oEmbed sandbox per file. The
 * returned object stands for the current test's `DiscordWorld`.
 */
export function useDiscordWorld(
  options: { fxTweets?: Parameters<typeof startFxTwitterSandbox>[0]; tableProperties?: Record<string, string> } = {},
): Omit<DiscordWorld, 'stop'> & { fxtwitter: FxTwitterSandbox } {
  let oembed: OembedSandbox | undefined;
  let fxtwitter: FxTwitterSandbox | undefined;
  let world: DiscordWorld | undefined;
  beforeAll(async () => {
    oembed = await startOembedSandbox();
    fxtwitter = await startFxTwitterSandbox(options.fxTweets);
  });
  afterAll(async () => {
    await oembed?.close();
    await fxtwitter?.close();
  });
  beforeEach(async () => {
    world = await startDiscordWorld({
      oembedUrl: current(oembed, 'the oEmbed sandbox').url,
      fxtwitterUrl: current(fxtwitter, 'the FxTwitter sandbox').url,
      ...(options.tableProperties ? { tableProperties: options.tableProperties } : {}),
    });
  });
  afterEach(async () => {
    await world?.stop();
  });
  const w = () => current(world, 'the Discord world');
  return {
    get discord() {
      return w().discord;
    },
    get notion() {
      return w().notion;
    },
    get product() {
      return w().product;
    },
    get acme() {
      return w().acme;
    },
    get tweets() {
      return w().tweets;
    },
    get kim() {
      return w().kim;
    },
    get fxtwitter() {
      return current(fxtwitter, 'the FxTwitter sandbox');
    },
    finalReply: (...args) => w().finalReply(...args),
    connectThroughDiscord: (...args) => w().connectThroughDiscord(...args),
    nthDm: (...args) => w().nthDm(...args),
  };
}
