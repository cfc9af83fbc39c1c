import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { INSTALL_PATH } from '../../bots/slack/constants.js';
import type { Router } from '../../http/router.js';
import type { Logger } from '../../log.js';
import { readCappedBody } from '../read-body.js';
import { escapeHtml } from './mrkdwn.js';
import type { ActionResult, SandboxSession } from './sandbox-session.js';

/**
 * The sandbox page on the product's own server, registered only in sandbox mode:
 * `GET /` (the page), `GET /sandbox/app.css|app.js`, `GET /sandbox/api/state` (polled JSON) and
 * `POST /sandbox/api/{command,dm,shortcut,action,modal}` (the visitor's actions, sent on as signed Slack requests).
 */

/** One emulated Slack workspace the page can show, with the visitor's session in it. */
export interface SandboxWorkspacePage {
  teamId: string;
  name: string;
  session: SandboxSession;
}

export interface SandboxRoutesOptions {
  router: Router;
  /** `/` shows the first; `/?ws=<team id>` (and the API with the same `ws`) another. */
  workspaces: SandboxWorkspacePage[];
  /** Distribution mode: the page starts with the "Add to Slack" step (the product's `/slack/install`). */
  installStep: boolean;
  /** The product's public URL: its host is accepted besides the loopback names. */
  publicUrl: () => string;
  channel: string;
  log: Logger;
}

const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const MAX_BODY = 16 * 1024;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

async function asset(name: string): Promise<string> {
  return readFile(new URL(`./${name}`, import.meta.url), 'utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...COMMON_HEADERS });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const { text, size } = await readCappedBody(req, MAX_BODY);
  if (size > MAX_BODY) throw new Error('too large');
  return JSON.parse(text);
}

const field = (body: unknown, name: string, max = 4000): string | undefined => {
  const v = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' && v.length <= max ? v : undefined;
};

/** Registers the sandbox page and its API on the product's router. */
export function addSandboxRoutes(o: SandboxRoutesOptions): void {
  const { router, log } = o;
  /** The workspace a request is for: `?ws=<team id>`, else the first. */
  const pageFor = (url: URL): SandboxWorkspacePage =>
    o.workspaces.find((w) => w.teamId === url.searchParams.get('ws')) ?? o.workspaces[0]!;
  const [html, css, js] = [asset('index.html'), asset('app.css'), asset('app.js')];
  // Read once; a missing file fails the first request, not start-up, and is logged by the server.
  for (const p of [html, css, js]) p.catch(() => undefined);

  /** DNS rebinding guard: only loopback names and the configured public host may use the sandbox. */
  const hostAllowed = (req: IncomingMessage): boolean => {
    const host = (req.headers.host ?? '').toLowerCase();
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
    let publicHost = '';
    try {
      publicHost = new URL(o.publicUrl()).host.toLowerCase();
    } catch {
      // no public host then
    }
    return LOOPBACK.has(name) || host === publicHost;
  };

  /** Actions come only from the page itself: JSON (a cross-site form cannot send it) and same-origin. */
  const actionAllowed = (req: IncomingMessage): boolean => {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return false;
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') return false;
    const origin = req.headers.origin;
    return origin === undefined || origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`;
  };

  const guarded =
    (handler: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>) =>
    async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
      if (!hostAllowed(req)) {
        req.resume();
        res
          .writeHead(421, { 'content-type': 'text/plain; charset=utf-8' })
          .end('The sandbox answers on localhost only.\n');
        return;
      }
      await handler(req, res, url);
    };

  const action = (run: (body: unknown, session: SandboxSession) => Promise<ActionResult> | undefined) =>
    guarded(async (req, res, url) => {
      if (!actionAllowed(req)) {
        req.resume();
        sendJson(res, 403, { ok: false, error: 'Requests must come from the sandbox page.' });
        return;
      }
      let body: unknown;
      try {
        body = await readJson(req);
      } catch {
        sendJson(res, 400, { ok: false, error: 'Expected a small JSON body.' });
        return;
      }
      const pending = run(body, pageFor(url).session);
      if (!pending) {
        sendJson(res, 400, { ok: false, error: 'Missing or invalid fields.' });
        return;
      }
      try {
        const result = await pending;
        sendJson(res, result.ok ? 200 : 400, result);
      } catch (err) {
        log.error({ err, event: 'sandbox.action_failed' }, 'sandbox action failed');
        sendJson(res, 502, { ok: false, error: 'Could not reach the app. See the server log.' });
      }
    });

  router.add(
    'GET',
    '/',
    guarded(async (_req, res, url) => {
      const shown = pageFor(url);
      const page = (await html)
        .replace('{{install}}', o.installStep ? installStep(shown.name) : '')
        .replace('{{switcher}}', o.workspaces.length > 1 ? workspaceSwitcher(o.workspaces, shown) : '')
        .replaceAll('{{workspace}}', escapeHtml(shown.name))
        .replaceAll('{{initial}}', escapeHtml(shown.name.slice(0, 1).toUpperCase()))
        .replaceAll('{{channel}}', escapeHtml(o.channel));
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': PAGE_CSP,
        'x-frame-options': 'DENY',
        ...COMMON_HEADERS,
      });
      res.end(page);
    }),
  );
  router.add(
    'GET',
    '/sandbox/app.css',
    guarded(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', ...COMMON_HEADERS });
      res.end(await css);
    }),
  );
  router.add(
    'GET',
    '/sandbox/app.js',
    guarded(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', ...COMMON_HEADERS });
      res.end(await js);
    }),
  );
  router.add(
    'GET',
    '/sandbox/api/state',
    guarded(async (_req, res, url) => sendJson(res, 200, pageFor(url).session.view())),
  );
  router.add(
    'POST',
    '/sandbox/api/command',
    action((body, session) => {
      const text = field(body, 'text');
      return text === undefined ? undefined : session.submit(text);
    }),
  );
  router.add(
    'POST',
    '/sandbox/api/dm',
    action((body, session) => {
      const text = field(body, 'text');
      return text === undefined ? undefined : session.directMessage(text);
    }),
  );
  router.add(
    'POST',
    '/sandbox/api/shortcut',
    action((body, session) => {
      const id = field(body, 'messageId', 100);
      const thread = body !== null && typeof body === 'object' && (body as Record<string, unknown>).thread === true;
      return id === undefined ? undefined : session.shortcut(id, thread);
    }),
  );
  router.add(
    'POST',
    '/sandbox/api/modal',
    action((body, session) => {
      const viewId = field(body, 'viewId', 40);
      if (viewId === undefined) return undefined;
      const raw = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).values : undefined;
      if (raw === undefined) return session.submitModal({ viewId });
      if (raw === null || typeof raw !== 'object') return undefined;
      const values: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw as Record<string, unknown>).slice(0, 10)) {
        if (typeof v !== 'string' || v.length > 4000 || k.length > 255) return undefined;
        values[k] = v;
      }
      return session.submitModal({ viewId, values });
    }),
  );
  router.add(
    'POST',
    '/sandbox/api/action',
    action((body, session) => {
      const [messageKey, actionId, value] = ['messageKey', 'actionId', 'value'].map((k) => field(body, k, 300));
      if (messageKey === undefined || actionId === undefined) return undefined;
      return session.blockAction({ messageKey, actionId, value });
    }),
  );
}

/**
 * Distribution mode's first step in the page's intro: the product's own install page (Bolt sets its state cookie
 * on the way to the emulated Slack's authorize page), opened in a new tab as the connect link is.
 */
function installStep(workspace: string): string {
  return (
    `<li class="install-step">Add the app to this workspace: open <a href="${INSTALL_PATH}" target="_blank" ` +
    `rel="noopener">Add to Slack</a> (the product's real install page), click <strong>Add to Slack</strong>, ` +
    `pick <strong>${escapeHtml(workspace)}</strong> on Slack's page and click <strong>Allow</strong>. ` +
    `Until then the bot answers that it is not installed here.</li>`
  );
}

/** Links between the emulated workspaces' pages, the shown one marked current. */
function workspaceSwitcher(workspaces: SandboxWorkspacePage[], shown: SandboxWorkspacePage): string {
  const links = workspaces.map((w, i) => {
    const href = i === 0 ? '/' : `/?ws=${encodeURIComponent(w.teamId)}`;
    const current = w === shown ? ' aria-current="page"' : '';
    return `<a href="${escapeHtml(href)}"${current}>${escapeHtml(w.name)}</a>`;
  });
  return `<nav class="ws-switch" aria-label="Slack workspaces">${links.join('')}</nav>`;
}
