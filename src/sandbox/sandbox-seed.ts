import type { FxSandboxTweet } from './fxtwitter/fxtwitter-sandbox.js';
import type { NotionSandbox } from './notion/notion-sandbox.js';
import type { SandboxTweet } from './oembed/oembed-sandbox.js';
import { classicTweetAttachment, xTweetAttachment } from './slack/payloads.js';

/**
 * What the sandbox starts with: a Notion workspace with a Twitter-style table and a second table to
 * try `/save-tweet <link> to Reading` with (and a second workspace, so the consent page shows a choice),
 * tweets the oEmbed emulation knows, and messages in #general that carry tweet unfurls in both
 * attachment shapes Slack uses.
 */

export const SANDBOX_WORKSPACE = 'Acme Sandbox';
/** With SANDBOX_SLACK=distribution: a second Slack workspace that installs the app too. */
export const SECOND_SLACK_WORKSPACE = 'Beta Sandbox';
export const SANDBOX_CHANNEL = { id: 'C0GENERAL', name: 'general' } as const;

/** A table the page shows live, with its columns in display order. */
export interface SeededTable {
  dataSourceId: string;
  databaseId: string;
  databaseUrl: string;
  title: string;
  workspace: string;
  /** The title of the page the table sits in, when it is not at the top of the workspace. */
  parentPage?: string | undefined;
  columns: { name: string; type: string }[];
}

/** Tweets the oEmbed emulation answers for (tweet 20 by @jack is built in). */
export const SANDBOX_TWEETS: Record<string, SandboxTweet> = {
  '1002103360646823936': {
    handle: 'naval',
    name: 'Naval',
    text: 'How to Get Rich (without getting lucky):',
    date: 'May 31, 2018',
  },
  '1591044196705927168': {
    handle: 'edwardodell',
    name: 'Edward Odell',
    text: 'NEVER LEAVE, NEVER PAY',
    date: 'November 11, 2022',
  },
};

/** Rich tweets the FxTwitter emulation answers for: photos and a quote, a three-tweet thread, and a deleted tweet. */
export const RICH_TWEET_IDS = {
  quoted: '1850000000000000001',
  photos: '1850000000000000002',
  threadStart: '1850000000000000010',
  threadMiddle: '1850000000000000011',
  threadEnd: '1850000000000000012',
  deleted: '1850000000000000099',
} as const;

export const FX_TWEETS: FxSandboxTweet[] = [
  {
    id: RICH_TWEET_IDS.quoted,
    handle: 'adalab',
    name: 'Ada Lab',
    text: 'The Analytical Engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.',
    createdAt: '2024-10-26T09:15:00.000Z',
    likes: 1843,
  },
  {
    id: RICH_TWEET_IDS.photos,
    handle: 'miradraws',
    name: 'Mira Chen',
    text: "Two sketches from today's notebook, after re-reading this:",
    createdAt: '2024-10-27T18:42:07.000Z',
    photos: [
      { file: 'loom-sketch.svg', altText: 'Pencil sketch of a Jacquard loom with punched cards' },
      { file: 'engine-sketch.svg', altText: 'Ink drawing of the Analytical Engine mill' },
    ],
    quoteId: RICH_TWEET_IDS.quoted,
    likes: 312,
  },
  {
    id: RICH_TWEET_IDS.threadStart,
    handle: 'tompark',
    name: 'Tom Park',
    text: 'How we cut our CI time in half, a thread 🧵 1/3',
    createdAt: '2024-11-02T08:00:00.000Z',
    likes: 980,
  },
  {
    id: RICH_TWEET_IDS.threadMiddle,
    handle: 'tompark',
    name: 'Tom Park',
    text: '2/3 First we cached dependencies per lockfile hash, not per branch.',
    createdAt: '2024-11-02T08:01:00.000Z',
    replyToId: RICH_TWEET_IDS.threadStart,
    photos: [{ file: 'ci-chart.svg', altText: 'Bar chart: build minutes before and after caching' }],
  },
  {
    id: RICH_TWEET_IDS.threadEnd,
    handle: 'tompark',
    name: 'Tom Park',
    text: '3/3 Then we split the test suite by timing data. 41 minutes became 19.',
    createdAt: '2024-11-02T08:02:00.000Z',
    replyToId: RICH_TWEET_IDS.threadMiddle,
  },
];

/** Tweets the FxTwitter emulation answers a tombstone for. */
export const FX_DELETED = [RICH_TWEET_IDS.deleted];

/**
 * A teammate's message in #general, with the unfurl Slack added to it. The text is only the link:
 * words typed next to a link are taken as the tweet's text by the product's parser.
 */
export interface ExampleMessage {
  author: { userId: string; name: string };
  /** Slack message text (mrkdwn, links as `<url>`). */
  text: string;
  attachments: Record<string, unknown>[];
  /** How long before start-up it was posted. */
  minutesAgo: number;
}

export const EXAMPLE_MESSAGES: ExampleMessage[] = [
  {
    author: { userId: 'U0SAMIR', name: 'Samir' },
    text: `<https://x.com/tompark/status/${RICH_TWEET_IDS.threadEnd}>`,
    attachments: [
      xTweetAttachment({
        name: 'Tom Park',
        handle: 'tompark',
        statusId: RICH_TWEET_IDS.threadEnd,
        text: '3/3 Then we split the test suite by timing data. 41 minutes became 19.',
      }),
    ],
    minutesAgo: 64,
  },
  {
    author: { userId: 'U0PRIYA', name: 'Priya' },
    text: '<https://x.com/naval/status/1002103360646823936>',
    attachments: [
      xTweetAttachment({
        name: 'Naval',
        handle: 'naval',
        statusId: '1002103360646823936',
        text: SANDBOX_TWEETS['1002103360646823936']!.text,
      }),
    ],
    minutesAgo: 42,
  },
  {
    author: { userId: 'U0MARCO', name: 'Marco' },
    text: '<https://twitter.com/edwardodell/status/1591044196705927168?s=46&amp;t=Xq1cZ3dW6yBd2ZrZ8Ui4hA>',
    attachments: [
      classicTweetAttachment({
        name: 'Edward Odell',
        handle: 'edwardodell',
        statusId: '1591044196705927168',
        text: SANDBOX_TWEETS['1591044196705927168']!.text,
      }),
    ],
    minutesAgo: 17,
  },
];

/**
 * The second table in Acme: what the product's own help example, `/save-tweet <link> to Reading`,
 * finds by the start of its name. Its name differs from the "Reading list" in Personal.
 */
export const SECOND_TABLE = 'Reading queue';

/**
 * Seeds the Notion emulation: "Acme Sandbox" with a "Tweets" table (Name/title, Tweet/rich_text,
 * Link/url, Saved/date, Posted/date, Author/rich_text, Tags/multi_select, Note/rich_text, Media/files), a "Reading queue" table (Name, Tweet, Link: usable too, without a date
 * column; offered unticked on the consent page) and a plain "Team wiki" page, and a second workspace "Personal" with a "Reading list"
 * table. Returns the tables to show on the page.
 */
export function seedNotion(notion: NotionSandbox): SeededTable[] {
  const acme = notion.addWorkspace({
    name: SANDBOX_WORKSPACE,
    owner: { name: 'Sandbox User', email: 'you@acme.example' },
  });
  // The columns of the product's own "Create a Tweets table", so a rich save fills every one.
  const tweetsColumns = {
    Name: 'title',
    Tweet: 'rich_text',
    Link: 'url',
    Saved: 'date',
    Posted: 'date',
    Author: 'rich_text',
    Tags: 'multi_select',
    Note: 'rich_text',
    Media: 'files',
  };
  const tweets = notion.addTable(acme.id, { title: 'Tweets', properties: tweetsColumns });
  const queueColumns = { Name: 'title', Tweet: 'rich_text', Link: 'url' };
  // Offered unticked: connecting as it comes shares one table, so saves go there without a question.
  const queue = notion.addTable(acme.id, { title: SECOND_TABLE, properties: queueColumns, untickedOnConsent: true });
  notion.addPage(acme.id, { title: 'Team wiki' });

  const personal = notion.addWorkspace({
    name: 'Personal',
    owner: { name: 'Sandbox User', email: 'you@home.example' },
  });
  const readingColumns = { Name: 'title', Tweet: 'rich_text', Link: 'url' };
  const reading = notion.addTable(personal.id, { title: 'Reading list', properties: readingColumns });

  const columns = (props: Record<string, string>) => Object.entries(props).map(([name, type]) => ({ name, type }));
  return [
    {
      dataSourceId: tweets.dataSourceId,
      databaseId: tweets.databaseId,
      databaseUrl: tweets.url,
      title: 'Tweets',
      workspace: SANDBOX_WORKSPACE,
      columns: columns(tweetsColumns),
    },
    {
      dataSourceId: queue.dataSourceId,
      databaseId: queue.databaseId,
      databaseUrl: queue.url,
      title: SECOND_TABLE,
      workspace: SANDBOX_WORKSPACE,
      columns: columns(queueColumns),
    },
    {
      dataSourceId: reading.dataSourceId,
      databaseId: reading.databaseId,
      databaseUrl: reading.url,
      title: 'Reading list',
      workspace: 'Personal',
      columns: columns(readingColumns),
    },
  ];
}
