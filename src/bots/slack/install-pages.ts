import type { PageContent } from '../../http/html-page.js';
import { COMMANDS } from './constants.js';

const START_AGAIN = { label: 'Start again', href: '/slack/install' };

/** Every page of the "Add to Slack" flow, with its HTTP status. One place for the wording. */
export const installPages = {
  /** `GET /slack/install`: the button starts Bolt's flow at the path that sets its state cookie. */
  landing(startHref: string): [number, PageContent] {
    return [200, {
      tone: 'info',
      title: 'Add Save to Notion to Slack',
      paragraphs: [
        'Install Save to Notion in your Slack workspace. Slack asks you to pick the workspace and shows what the app may do.',
        `Afterwards everyone in the workspace can type ${COMMANDS.connect} to connect their own Notion and save tweets there.`,
      ],
      action: { label: 'Add to Slack', href: startHref },
    }];
  },
  installed(where: string | undefined, openUrl: string | undefined): [number, PageContent] {
    return [200, {
      tone: 'success',
      title: 'Save to Notion is installed',
      paragraphs: [
        `Save to Notion is now installed in ${where ?? 'your Slack workspace'}. You can close this tab.`,
        `In Slack, type ${COMMANDS.connect} to connect your Notion; each person connects their own.`,
      ],
      action: openUrl ? { label: 'Open Slack', href: openUrl } : undefined,
    }];
  },
  stateRefused(): [number, PageContent] {
    return [400, {
      tone: 'error',
      title: 'This installation link has expired or was already used',
      paragraphs: [
        'For your security, an installation must be finished once, within 10 minutes, in the browser where it was started. Nothing was installed.',
        'Start again from the install page.',
      ],
      action: START_AGAIN,
    }];
  },
  missingCode(): [number, PageContent] {
    return [400, { tone: 'error', title: 'Slack sent no authorization', paragraphs: ['The installation came back without a code, so nothing was installed.'], action: START_AGAIN }];
  },
  cancelled(): [number, PageContent] {
    return [403, {
      tone: 'info',
      title: 'Installation cancelled',
      paragraphs: ['You cancelled on Slack, so nothing was installed and nothing was changed.'],
      action: { label: 'Add to Slack', href: '/slack/install' },
    }];
  },
  failed(): [number, PageContent] {
    return [502, {
      tone: 'error',
      title: 'Slack could not complete the installation',
      paragraphs: ['Slack did not finish the installation, so nothing was installed. Please try again in a minute.'],
      action: START_AGAIN,
    }];
  },
  unavailable(): [number, PageContent] {
    return [503, { tone: 'error', title: 'Installation is not available right now', paragraphs: ['The install link could not be prepared. Please try again in a minute.'] }];
  },
};
