import type { PageContent } from '../http/html-page.js';
import { describeChatUser, type ChatUser } from '../core/chat-user.js';

const NEW_LINK = 'Go back to the chat and run /notion-connect to get a new link.';

/** Every page the OAuth routes can show, with its HTTP status. One place for the wording. */
export const oauthPages = {
  connected(user: ChatUser, workspaceName: string | null): [number, PageContent] {
    const ws = workspaceName ? `Notion workspace ${workspaceName}` : 'Your Notion workspace';
    return [200, {
      tone: 'success',
      title: 'Notion connected',
      paragraphs: [`${ws} is now connected to ${describeChatUser(user)}. You can close this tab.`, 'The bot will message you in a moment with the table it will save tweets to.'],
    }];
  },
  linkInvalid(): [number, PageContent] {
    return [400, { tone: 'error', title: 'This link has expired or was already used', paragraphs: ['Connect links work once and for 10 minutes.', NEW_LINK] }];
  },
  malformed(): [number, PageContent] {
    return [400, { tone: 'error', title: 'This sign-in response is not valid', paragraphs: ['The address was changed or is incomplete, so nothing was connected.', NEW_LINK] }];
  },
  missingCode(): [number, PageContent] {
    return [400, { tone: 'error', title: 'Notion sent no authorization', paragraphs: ['The sign-in came back without a code, so nothing was connected.', NEW_LINK] }];
  },
  cookieMismatch(): [number, PageContent] {
    return [403, {
      tone: 'error',
      title: 'Please finish in the same browser',
      paragraphs: ['For your security, the connection has to be completed in the browser where you opened the connect link. Nothing was connected.', NEW_LINK],
    }];
  },
  stateUnknown(): [number, PageContent] {
    return [400, { tone: 'error', title: 'This sign-in has expired or was already completed', paragraphs: ['Each sign-in can be completed once, within 10 minutes. Nothing was changed.', NEW_LINK] }];
  },
  denied(): [number, PageContent] {
    // Also shown to people already connected who only meant to switch: it must not read as a disconnect.
    return [403, {
      tone: 'info',
      title: 'Connection cancelled',
      paragraphs: [
        'You cancelled on Notion, so nothing was connected this time and nothing was changed: a connection you already had stays as it was.',
        'Changed your mind? Run /notion-connect in the chat for a new link.',
      ],
    }];
  },
  notionError(): [number, PageContent] {
    return [400, { tone: 'error', title: 'Notion could not complete the sign-in', paragraphs: ['Notion reported an error, so nothing was connected.', NEW_LINK] }];
  },
  codeRejected(): [number, PageContent] {
    return [400, { tone: 'error', title: 'Notion did not accept this sign-in', paragraphs: ['The authorization was already used or has expired. Nothing was connected.', NEW_LINK] }];
  },
  exchangeFailed(): [number, PageContent] {
    return [424, { tone: 'error', title: 'Could not finish connecting to Notion', paragraphs: ['Notion did not complete the exchange. Nothing was connected; please try again in a minute.', NEW_LINK] }];
  },
  notConfigured(): [number, PageContent] {
    return [503, { tone: 'error', title: 'Notion is not set up on this server', paragraphs: ['The operator has not configured NOTION_CLIENT_ID and NOTION_CLIENT_SECRET yet.'] }];
  },
  linkPreview(): [number, PageContent] {
    return [200, { tone: 'info', title: 'Connect Notion', paragraphs: ['Open this personal link in your browser to connect Notion.'] }];
  },
};
