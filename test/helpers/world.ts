import { startFxTwitterSandbox, type FxTwitterSandbox } from '../../src/sandbox/fxtwitter/fxtwitter-sandbox.js';
import { startNotionSandbox, type NotionSandbox } from '../../src/sandbox/notion/notion-sandbox.js';
import { startOembedSandbox, type OembedSandbox } from '../../src/sandbox/oembed/oembed-sandbox.js';
import { startSlackSandbox, type SlackSandbox } from '../../src/sandbox/slack/slack-sandbox.js';
import { BOT_TOKEN, SIGNING_SECRET } from './fixtures.js';
import { startProduct, TEST_CLIENT, type Product } from './product.js';

export interface World {
  notion: NotionSandbox;
  oembed: OembedSandbox;
  /** Knows no tweet unless given `fxTweets` (or told with `addTweet`): lookups then fall through to oEmbed. */
  fxtwitter: FxTwitterSandbox;
  /** Present when started with `slack: true`; the product then runs the real Bolt app against it. */
  slack: SlackSandbox | undefined;
  product: Product;
  /** The workspace "Acme" and its one table. */
  acme: { id: string; name: string; ownerId: string };
  table: { databaseId: string; dataSourceId: string; url: string };
  stop(): Promise<void>;
}

/**
 * The emulated world most end-to-end tests start from: Notion (workspace "Acme" with one table),
 * FxTwitter, oEmbed, optionally Slack, and the real product pointed at them.
 */
export async function startWorld(
  options: {
    table?: { title: string; properties: Record<string, string> };
    slack?: boolean;
    env?: Record<string, string>;
    logSink?: string[];
    fxTweets?: Parameters<typeof startFxTwitterSandbox>[0];
  } = {},
): Promise<World> {
  const oembed = await startOembedSandbox();
  const fxtwitter = await startFxTwitterSandbox(options.fxTweets);
  const notion = await startNotionSandbox({ clients: [{ ...TEST_CLIENT, redirectUris: [] }] });
  const acme = notion.addWorkspace({ name: 'Acme' });
  const table = notion.addTable(
    acme.id,
    options.table ?? { title: 'Tweets', properties: { Name: 'title', Tweet: 'rich_text', Link: 'url' } },
  );
  const slack = options.slack ? await startSlackSandbox({ botToken: BOT_TOKEN }) : undefined;
  const slackEnv: Record<string, string> = slack
    ? { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl }
    : {};
  const product = await startProduct({
    notion,
    oembedUrl: oembed.url,
    fxtwitterUrl: fxtwitter.url,
    logSink: options.logSink,
    env: { ...slackEnv, ...options.env },
  });
  return {
    notion,
    oembed,
    fxtwitter,
    slack,
    product,
    acme,
    table,
    async stop() {
      await product.stop();
      await slack?.close();
      await notion.close();
      await oembed.close();
      await fxtwitter.close();
    },
  };
}
