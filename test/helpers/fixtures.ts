import type { ChatUser } from '../../src/core/chat-user.js';
import type { ButtonLocation } from '../../src/sandbox/slack/payloads.js';

/** Values several test files share, each defined once. */

/** A tweet link (jack's first tweet). */
export const JACK = 'https://x.com/jack/status/20';
/** A tweet pasted as Slack shows it: the author, the text, the link. */
export const NAVAL_WITH_TEXT =
  '@naval How to get rich without getting lucky https://twitter.com/naval/status/1002103360646823936';
/** A bare link to the same tweet of naval's. */
export const NAVAL_LINK = 'https://x.com/naval/status/1002103360646823936';

/** The properties of a table that can take tweets (title, text column "Tweet", link). */
export const WITH_TEXT = { Name: 'title', Tweet: 'rich_text', Link: 'url' };

/** What a save says when it kept a tweet for a table missing its column. */
export const KEPT_FOR_COLUMN = 'I kept this tweet and will save it as soon as you add the column, with your next save.';

/** A Slack save reply is ephemeral in the channel the command was used in. */
export const SLACK_EPHEMERAL: ButtonLocation = { kind: 'ephemeral', channelId: 'C0GENERAL' };

// ---- The people of the tests, each defined here once -------------------------------------------
// (Discord's people are made by the Discord emulation, which gives them their snowflake ids.)

/** Sam and Kim as core sees them, for the tests that drive core directly. */
export const sam: ChatUser = { platform: 'slack', teamId: 'T1', userId: 'U1', displayName: 'sam' };
export const kim: ChatUser = { platform: 'discord', userId: '80351110224678912', displayName: 'kim' };

/** A person as Slack names them in the requests it sends: workspace, user id and user name. */
export interface SlackPerson {
  teamId: string;
  userId: string;
  userName: string;
}

/** Sam and Kim as Slack users, in two workspaces (Acme and Beta); Alex works with Sam in Acme. */
export const slackSam: SlackPerson = { teamId: 'T0ACME', userId: 'U0SAM', userName: 'sam' };
export const slackKim: SlackPerson = { teamId: 'T0BETA', userId: 'U0KIM', userName: 'kim' };
export const slackAlex: SlackPerson = { teamId: slackSam.teamId, userId: 'U0ALEX', userName: 'alex' };
/** Slack's Sam as core sees them once Slack has named the workspace. */
export const slackSamChatUser: ChatUser = {
  platform: 'slack',
  teamId: slackSam.teamId,
  userId: slackSam.userId,
  displayName: slackSam.userName,
  workspaceName: 'Acme',
};

/** The Slack app's secrets the e2e product and the Slack sandbox are started with. */
export const SIGNING_SECRET = 'e2e-signing-secret-8f742231b10e8888abcd';
export const BOT_TOKEN = 'xoxb-e2e-0000-sandbox-bot-token';
