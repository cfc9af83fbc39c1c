import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCookie, serializeCookie } from '../http/cookies.js';
import { sendPage, type PageContent } from '../http/html-page.js';
import type { Router } from '../http/router.js';
import type { Logger } from '../log.js';
import { STATE_TTL_MS, type Authorization } from './authorization.js';
import { parseCallbackParams } from './callback-params.js';
import { oauthPages } from './oauth-pages.js';
import { isOpaqueToken } from './tokens.js';
import { CALLBACK_PATH, START_PATH } from './paths.js';
import { timingSafeEqual } from 'node:crypto';

const COOKIE = 'stn_oauth_state';

/** Link unfurlers fetch URLs posted in chat; they must not spend a single-use link. */
const LINK_PREVIEW_AGENTS = /slackbot|discordbot|twitterbot|facebookexternalhit|linkedinbot|telegrambot|whatsapp|skypeuripreview|embedly/i;

function show(res: ServerResponse, [status, page]: [number, PageContent], extraHeaders: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(extraHeaders)) res.setHeader(k, v);
  sendPage(res, status, page);
}

function sameToken(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export interface OAuthRoutesOptions {
  router: Router;
  authorization: Authorization;
  /** Whether the public URL is https (the state cookie is then Secure). */
  secureCookies: () => boolean;
  log: Logger;
}

/** `GET /oauth/notion/start` and `GET /oauth/notion/callback`. */
export function addNotionOAuthRoutes({ router, authorization, secureCookies, log }: OAuthRoutesOptions): void {
  const clearCookie = () => serializeCookie(COOKIE, '', { maxAgeSeconds: 0, path: '/oauth/notion', secure: secureCookies() });

  router.add('GET', START_PATH, async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (!authorization.configured) return show(res, oauthPages.notConfigured());
    if (LINK_PREVIEW_AGENTS.test(req.headers['user-agent'] ?? '')) return show(res, oauthPages.linkPreview());
    const tokens = url.searchParams.getAll('t');
    if (tokens.length !== 1 || !isOpaqueToken(tokens[0])) {
      log.info({ event: 'oauth.start_rejected', reason: 'malformed' }, 'connect link rejected');
      return show(res, oauthPages.linkInvalid());
    }
    const begun = await authorization.begin(tokens[0]);
    if (!begun) {
      log.info({ event: 'oauth.start_rejected', reason: 'unknown_or_used' }, 'connect link rejected');
      return show(res, oauthPages.linkInvalid());
    }
    log.info({ event: 'oauth.start', platform: begun.chatUser.platform }, 'redirecting to Notion');
    res.writeHead(302, {
      location: begun.authorizeUrl,
      'set-cookie': serializeCookie(COOKIE, begun.state, {
        maxAgeSeconds: STATE_TTL_MS / 1000,
        path: '/oauth/notion',
        secure: secureCookies(),
      }),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    res.end();
  });

  router.add('GET', CALLBACK_PATH, async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const params = parseCallbackParams(url.searchParams);
    const clear = { 'set-cookie': clearCookie() };
    switch (params.kind) {
      case 'malformed':
        log.warn({ event: 'oauth.callback_rejected', reason: params.reason }, 'malformed OAuth callback');
        return show(res, params.reason === 'missing_code' ? oauthPages.missingCode() : oauthPages.malformed());
      case 'denied':
      case 'notion_error': {
        // Burn the state only when this browser owns it, so a forged cancel cannot spend someone else's sign-in.
        const cookie = readCookie(req.headers.cookie, COOKIE);
        if (params.state && cookie && sameToken(cookie, params.state)) await authorization.cancel(params.state);
        log.info({ event: 'oauth.callback_rejected', reason: params.kind === 'denied' ? 'access_denied' : params.error }, 'Notion returned an error');
        return show(res, params.kind === 'denied' ? oauthPages.denied() : oauthPages.notionError(), clear);
      }
      case 'code': {
        const cookie = readCookie(req.headers.cookie, COOKIE);
        if (!cookie || !sameToken(cookie, params.state)) {
          log.warn({ event: 'oauth.callback_rejected', reason: cookie ? 'cookie_mismatch' : 'cookie_missing' }, 'OAuth state not bound to this browser');
          return show(res, oauthPages.cookieMismatch());
        }
        const result = await authorization.complete(params.state, params.code);
        switch (result.kind) {
          case 'unknown_state':
            log.warn({ event: 'oauth.callback_rejected', reason: 'unknown_state' }, 'unknown, expired or replayed OAuth state');
            return show(res, oauthPages.stateUnknown(), clear);
          case 'code_rejected':
            log.warn({ event: 'oauth.callback_rejected', reason: 'invalid_grant' }, 'Notion rejected the code');
            return show(res, oauthPages.codeRejected(), clear);
          case 'exchange_failed':
            log.error({ event: 'oauth.exchange_failed', code: result.error.code, err: result.error.message }, 'token exchange failed');
            return show(res, oauthPages.exchangeFailed(), clear);
          case 'connected':
            log.info({ event: 'oauth.connected', platform: result.chatUser.platform }, 'Notion connected');
            return show(res, oauthPages.connected(result.chatUser, result.workspaceName), clear);
        }
      }
    }
  });
}
