import type { Logger } from '../../log.js';
import { errorSummary } from './reply.js';

/** What someone in a workspace without an installation is told (only they see it). */
export function notInstalledText(installUrl: string): string {
  return `Save to Notion is not installed in this workspace (any more). A workspace admin can add it again here: <${installUrl}|Add to Slack>`;
}

/**
 * Answers a request from a workspace that has no installation (never installed, or uninstalled):
 * Bolt could not authorize it, so no listener ran and no token is at hand, but slash commands,
 * shortcuts and button clicks carry a response_url, which needs none. Events have none; they are
 * only logged. Never throws: Bolt acks the request with an empty 200 either way.
 */
export async function answerNotInstalled(body: unknown, installUrl: string, log: Logger, fetchFn: typeof fetch = globalThis.fetch): Promise<void> {
  const b = (body ?? {}) as { response_url?: unknown; team_id?: unknown; team?: { id?: unknown }; type?: unknown };
  const teamId = typeof b.team_id === 'string' ? b.team_id : typeof b.team?.id === 'string' ? b.team.id : undefined;
  const responseUrl = typeof b.response_url === 'string' && /^https?:\/\//.test(b.response_url) ? b.response_url : undefined;
  log.info({ event: 'slack.not_installed', teamId, answered: responseUrl !== undefined }, 'request from a workspace without an installation');
  if (!responseUrl) return;
  try {
    const res = await fetchFn(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: notInstalledText(installUrl) }),
      signal: AbortSignal.timeout(5000),
    });
    await res.body?.cancel();
    if (!res.ok) log.warn({ event: 'slack.not_installed', status: res.status }, 'response_url refused the answer');
  } catch (err) {
    log.warn({ event: 'slack.not_installed', err: errorSummary(err) }, 'response_url answer failed');
  }
}
