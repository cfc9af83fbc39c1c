import { describeChatUser, PLATFORM_NAMES, type ChatUser } from '../core/chat-user.js';
import type { PageContent } from '../http/html-page.js';

const NEW_LINK = 'Go back to the chat and run /notion-connect to get a new link.';

/**
 * A name someone chose (a chat or workspace name) made safe to show as plain text: no control or
 * bidirectional-override characters (which could make "@mallory" read as someone else), one line,
 * bounded. HTML escaping happens when the page is rendered.
 */
export function shownName(name: string): string {
  const plain = name
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 80 ? `${plain.slice(0, 79)}…` : plain;
}

/** "@sam in Acme's Slack" / "@kim on Discord", from what the platform said when the link was made. */
function confirmTarget(user: ChatUser): { who: string; where: string } {
  const platform = PLATFORM_NAMES[user.platform];
  const name = user.displayName ? shownName(user.displayName.replace(/^@/, '')) : '';
  const who = name ? `@${name}` : `the ${platform} user ${user.userId}`;
  if (user.platform === 'discord') return { who, where: 'on Discord' };
  const workspace = user.workspaceName ? shownName(user.workspaceName) : '';
  if (workspace) return { who, where: `in ${workspace}'s ${platform}` };
  return { who, where: user.teamId ? `in the ${platform} workspace ${user.teamId}` : `on ${platform}` };
}

/** Every page the OAuth routes can show, with its HTTP status. One place for the wording. */
export const oauthPages = {
  /**
   * The connect link's landing page: names the chat account and workspace the link belongs to, and
   * only its button (a POST) goes on to Notion. `formToken` is the page's CSRF token.
   */
  confirm(user: ChatUser, formToken: string): [number, PageContent] {
    const { who, where } = confirmTarget(user);
    return [
      200,
      {
        tone: 'info',
        title: `Connect Notion to ${who} ${where}?`,
        paragraphs: [
          `Continuing lets the ${PLATFORM_NAMES[user.platform]} account ${who} (user ID ${user.userId}) ${where} ` +
            'save tweets into the Notion workspace you pick next.',
          'Only continue if that is your own account. If someone sent you this link, close this page: ' +
            'continuing would connect your Notion to their account.',
        ],
        form: { fields: { form_token: formToken }, submit: 'Continue to Notion' },
      },
    ];
  },
  confirmExpired(): [number, PageContent] {
    return [
      403,
      {
        tone: 'error',
        title: 'Please confirm from the connect page',
        paragraphs: [
          'This confirmation did not come from the connect page in this browser, or the page was open too long. ' +
            'Nothing was connected.',
          'Open the connect link from the chat again; it still works if you have not used it.',
        ],
      },
    ];
  },
  crossSite(): [number, PageContent] {
    return [
      403,
      {
        tone: 'error',
        title: 'This request did not come from the connect page',
        paragraphs: [
          'Another site tried to start connecting Notion for you, so nothing was done.',
          'To connect, open the link the bot sent you in the chat.',
        ],
      },
    ];
  },
  badForm(): [number, PageContent] {
    return [
      400,
      {
        tone: 'error',
        title: 'This confirmation is not valid',
        paragraphs: [
          'The form was changed or is incomplete, so nothing was connected.',
          'Open the connect link from the chat again.',
        ],
      },
    ];
  },
  connected(user: ChatUser, workspaceName: string | null): [number, PageContent] {
    const ws = workspaceName ? `Notion workspace ${workspaceName}` : 'Your Notion workspace';
    return [
      200,
      {
        tone: 'success',
        title: 'Notion connected',
        paragraphs: [
          `${ws} is now connected to ${describeChatUser(user)}. You can close this tab.`,
          'The bot will message you in a moment with the table it will save tweets to.',
        ],
      },
    ];
  },
  linkInvalid(): [number, PageContent] {
    return [
      400,
      {
        tone: 'error',
        title: 'This link has expired or was already used',
        paragraphs: ['Connect links work once and for 10 minutes.', NEW_LINK],
      },
    ];
  },
  malformed(): [number, PageContent] {
    return [
      400,
      {
        tone: 'error',
        title: 'This sign-in response is not valid',
        paragraphs: ['The address was changed or is incomplete, so nothing was connected.', NEW_LINK],
      },
    ];
  },
  missingCode(): [number, PageContent] {
    return [
      400,
      {
        tone: 'error',
        title: 'Notion sent no authorization',
        paragraphs: ['The sign-in came back without a code, so nothing was connected.', NEW_LINK],
      },
    ];
  },
  cookieMismatch(): [number, PageContent] {
    return [
      403,
      {
        tone: 'error',
        title: 'Please finish in the same browser',
        paragraphs: [
          'For your security, the connection has to be completed in the browser where you opened the connect link. Nothing was connected.',
          NEW_LINK,
        ],
      },
    ];
  },
  stateUnknown(): [number, PageContent] {
    return [
      400,
      {
        tone: 'error',
        title: 'This sign-in has expired or was already completed',
        paragraphs: ['Each sign-in can be completed once, within 10 minutes. Nothing was changed.', NEW_LINK],
      },
    ];
  },
  denied(): [number, PageContent] {
    // Also shown to people already connected who only meant to switch: it must not read as a disconnect.
    return [
      403,
      {
        tone: 'info',
        title: 'Connection cancelled',
        paragraphs: [
          'You cancelled on Notion, so nothing was connected this time and nothing was changed: a connection you already had stays as it was.',
          'Changed your mind? Run /notion-connect in the chat for a new link.',
        ],
      },
    ];
  },
  notionError(): [number, PageContent] {
    return [
      400,
      {
        tone: 'error',
        title: 'Notion could not complete the sign-in',
        paragraphs: ['Notion reported an error, so nothing was connected.', NEW_LINK],
      },
    ];
  },
  codeRejected(): [number, PageContent] {
    return [
      400,
      {
        tone: 'error',
        title: 'Notion did not accept this sign-in',
        paragraphs: ['The authorization was already used or has expired. Nothing was connected.', NEW_LINK],
      },
    ];
  },
  exchangeFailed(): [number, PageContent] {
    return [
      424,
      {
        tone: 'error',
        title: 'Could not finish connecting to Notion',
        paragraphs: [
          'Notion did not complete the exchange. Nothing was connected; please try again in a minute.',
          NEW_LINK,
        ],
      },
    ];
  },
  notConfigured(): [number, PageContent] {
    return [
      503,
      {
        tone: 'error',
        title: 'Notion is not set up on this server',
        paragraphs: ['The operator has not configured NOTION_CLIENT_ID and NOTION_CLIENT_SECRET yet.'],
      },
    ];
  },
  linkPreview(): [number, PageContent] {
    return [
      200,
      {
        tone: 'info',
        title: 'Connect Notion',
        paragraphs: ['Open this personal link in your browser to connect Notion.'],
      },
    ];
  },
};
