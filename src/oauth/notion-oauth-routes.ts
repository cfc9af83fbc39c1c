import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCookies, serializeCookie } from '../http/cookies.js';
import { sendPage, type PageContent, type PageOptions } from '../http/html-page.js';
import { readForm } from '../http/read-form.js';
import type { Router } from '../http/router.js';
import type { Logger } from '../log.js';
import { STATE_TTL_MS, type Authorization } from './authorization.js';
import { confirmCookieName, oauthCookiePath, stateCookieName } from './browser-cookies.js';
import { parseCallbackParams } from './callback-params.js';
import { oauthPages } from './oauth-pages.js';
import { CALLBACK_PATH, START_PATH } from './paths.js';
import { checkSameOrigin } from './same-origin.js';
import { isOpaqueToken, newOpaqueToken } from './tokens.js';

/** How long the confirmation page's form token lives: as long as a link can (a page left open longer asks again). */
const CONFIRM_TTL_SECONDS = 10 * 60;
/** The confirmation form holds one token; anything much larger is not ours. */
const MAX_FORM_BYTES = 2048;

/** Link unfurlers fetch URLs posted in chat; they get a neutral page that names nobody. */
const LINK_PREVIEW_AGENTS =
  /slackbot|discordbot|twitterbot|facebookexternalhit|linkedinbot|telegrambot|whatsapp|skypeuripreview|embedly/i;

function show(
  res: ServerResponse,
  [status, page]: [number, PageContent],
  extraHeaders: Record<string, string | string[]> = {},
  options: PageOptions = {},
): void {
  for (const [k, v] of Object.entries(extraHeaders)) res.setHeader(k, v);
  sendPage(res, status, page, options);
}

function sameToken(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Whether the browser sent `expected` under `name` (among possibly several cookies of that name). */
function hasCookie(req: IncomingMessage, name: string, expected: string): boolean {
  return readCookies(req.headers.cookie, name).some((value) => sameToken(value, expected));
}

export interface OAuthRoutesOptions {
  router: Router;
  authorization: Authorization;
  /** The product's public base URL: its origin is the only one the confirmation form may be posted from. */
  publicUrl: () => string;
  log: Logger;
}

/**
 * `GET /oauth/notion/start` (the connect link: a confirmation page, no side effect, also for HEAD),
 * `POST /oauth/notion/start` (the page's button: spends the link and goes to Notion) and
 * `GET /oauth/notion/callback`.
 */
export function addNotionOAuthRoutes({ router, authorization, publicUrl, log }: OAuthRoutesOptions): void {
  const secure = () => publicUrl().startsWith('https://');
  const cookie = (name: string, value: string, maxAgeSeconds: number, sameSite: 'Lax' | 'Strict') =>
    serializeCookie(name, value, { maxAgeSeconds, path: oauthCookiePath(secure()), secure: secure(), sameSite });
  const clearStateCookie = (state: string) => cookie(stateCookieName(state, secure()), '', 0, 'Lax');

  /** The single, well-formed `t` of the link, or undefined. */
  const linkToken = (url: URL): string | undefined => {
    const tokens = url.searchParams.getAll('t');
    return tokens.length === 1 && isOpaqueToken(tokens[0]) ? tokens[0] : undefined;
  };

  // GET (and HEAD, which the router sends here) only reads: mail and chat link scanners open links
  // before people do, and must not use them up. The page names who the link belongs to; its form token
  // lives in a Strict cookie of this link's own, so only a POST from this page in this browser goes on.
  router.add('GET', START_PATH, async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (!authorization.configured) return show(res, oauthPages.notConfigured());
    if (LINK_PREVIEW_AGENTS.test(req.headers['user-agent'] ?? '')) return show(res, oauthPages.linkPreview());
    const token = linkToken(url);
    const user = token && (await authorization.peek(token));
    if (!token || !user) {
      log.info(
        { event: 'oauth.start_rejected', reason: token ? 'unknown_or_used' : 'malformed' },
        'connect link rejected',
      );
      return show(res, oauthPages.linkInvalid());
    }
    // The same page open in two tabs keeps one token, so either tab's button works.
    const formToken =
      readCookies(req.headers.cookie, confirmCookieName(token, secure())).find(isOpaqueToken) ?? newOpaqueToken();
    log.info({ event: 'oauth.confirm_shown', platform: user.platform }, 'connect confirmation shown');
    show(
      res,
      oauthPages.confirm(user, formToken),
      { 'set-cookie': cookie(confirmCookieName(token, secure()), formToken, CONFIRM_TTL_SECONDS, 'Strict') },
      {
        formTargets: [authorization.authorizeOrigin],
      },
    );
  });

  router.add('POST', START_PATH, async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const form = await readForm(req, MAX_FORM_BYTES);
    if (!authorization.configured) return show(res, oauthPages.notConfigured());
    const origin = checkSameOrigin(req.headers, new URL(publicUrl()).origin);
    if (!origin.ok) {
      log.warn({ event: 'oauth.confirm_rejected', reason: origin.reason }, 'connect confirmation not from our page');
      return show(res, oauthPages.crossSite());
    }
    const token = linkToken(url);
    const formTokens = form.kind === 'form' ? form.fields.getAll('form_token') : [];
    if (!token || formTokens.length !== 1 || !isOpaqueToken(formTokens[0])) {
      log.warn(
        { event: 'oauth.confirm_rejected', reason: form.kind === 'form' ? 'malformed' : form.kind },
        'malformed connect confirmation',
      );
      return show(res, oauthPages.badForm());
    }
    const confirmCookie = confirmCookieName(token, secure());
    if (!hasCookie(req, confirmCookie, formTokens[0])) {
      log.warn(
        { event: 'oauth.confirm_rejected', reason: 'form_token_mismatch' },
        'connect confirmation not bound to this browser',
      );
      return show(res, oauthPages.confirmExpired());
    }
    const clearConfirm = cookie(confirmCookie, '', 0, 'Strict');
    const begun = await authorization.begin(token);
    if (!begun) {
      log.info({ event: 'oauth.start_rejected', reason: 'unknown_or_used' }, 'connect link rejected');
      return show(res, oauthPages.linkInvalid(), { 'set-cookie': clearConfirm });
    }
    log.info({ event: 'oauth.start', platform: begun.chatUser.platform }, 'redirecting to Notion');
    // 303: the browser follows with a GET, as Notion's authorize page expects.
    res.writeHead(303, {
      location: begun.authorizeUrl,
      'set-cookie': [
        cookie(stateCookieName(begun.state, secure()), begun.state, STATE_TTL_MS / 1000, 'Lax'),
        clearConfirm,
      ],
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    res.end();
  });

  router.add('GET', CALLBACK_PATH, async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const params = parseCallbackParams(url.searchParams);
    switch (params.kind) {
      case 'malformed':
        log.warn({ event: 'oauth.callback_rejected', reason: params.reason }, 'malformed OAuth callback');
        return show(res, params.reason === 'missing_code' ? oauthPages.missingCode() : oauthPages.malformed());
      case 'denied':
      case 'notion_error': {
        // Burn the state only when this browser owns it, so a forged cancel cannot spend someone else's sign-in.
        const owned =
          params.state !== undefined && hasCookie(req, stateCookieName(params.state, secure()), params.state);
        if (owned) await authorization.cancel(params.state);
        log.info(
          { event: 'oauth.callback_rejected', reason: params.kind === 'denied' ? 'access_denied' : params.error },
          'Notion returned an error',
        );
        const clear: Record<string, string> = owned ? { 'set-cookie': clearStateCookie(params.state!) } : {};
        return show(res, params.kind === 'denied' ? oauthPages.denied() : oauthPages.notionError(), clear);
      }
      case 'code': {
        const name = stateCookieName(params.state, secure());
        if (!hasCookie(req, name, params.state)) {
          const reason = readCookies(req.headers.cookie, name).length > 0 ? 'cookie_mismatch' : 'cookie_missing';
          log.warn({ event: 'oauth.callback_rejected', reason }, 'OAuth state not bound to this browser');
          return show(res, oauthPages.cookieMismatch());
        }
        const clear = { 'set-cookie': clearStateCookie(params.state) };
        const result = await authorization.complete(params.state, params.code);
        switch (result.kind) {
          case 'unknown_state':
            log.warn(
              { event: 'oauth.callback_rejected', reason: 'unknown_state' },
              'unknown, expired or replayed OAuth state',
            );
            return show(res, oauthPages.stateUnknown(), clear);
          case 'code_rejected':
            log.warn({ event: 'oauth.callback_rejected', reason: 'invalid_grant' }, 'Notion rejected the code');
            return show(res, oauthPages.codeRejected(), clear);
          case 'exchange_failed':
            log.error(
              { event: 'oauth.exchange_failed', code: result.error.code, err: result.error.message },
              'token exchange failed',
            );
            return show(res, oauthPages.exchangeFailed(), clear);
          case 'connected':
            log.info({ event: 'oauth.connected', platform: result.chatUser.platform }, 'Notion connected');
            return show(res, oauthPages.connected(result.chatUser, result.workspaceName), clear);
        }
      }
    }
  });
}
