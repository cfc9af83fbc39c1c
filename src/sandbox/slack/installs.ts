import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../escape-html.js';

/** A workspace of the emulated Slack: one that can install the app. */
export interface SandboxWorkspace {
  teamId: string;
  teamName: string;
  /** The Enterprise Grid org it belongs to, if any. */
  enterpriseId?: string | undefined;
}

/** An Enterprise Grid org: an org-wide install covers all its workspaces. */
export interface SandboxEnterprise {
  id: string;
  name: string;
}

/** Who a bot token acts for: one workspace, or (org-wide install) a whole org. */
export interface SandboxGrant {
  kind: 'bot' | 'app';
  teamId?: string | undefined;
  teamName?: string | undefined;
  enterpriseId?: string | undefined;
  enterpriseName?: string | undefined;
  isEnterpriseInstall: boolean;
  botUserId: string;
  botId: string;
  revoked: boolean;
  /** Rotating tokens: Unix ms after which Slack answers `token_expired`. */
  expiresAt?: number | undefined;
}

/** The app's OAuth client as registered with the emulated Slack. */
export interface SandboxOAuthClient {
  clientId: string;
  clientSecret: string;
  appId?: string;
}

interface PendingCode {
  grantTarget: { scope: 'team' | 'enterprise'; id: string };
  redirectUri: string | undefined;
  scopes: string;
  expires: number;
}

const CODE_TTL_MS = 10 * 60 * 1000;
const ROTATED_TOKEN_TTL_S = 12 * 60 * 60;

/** An `oauth.v2.access` or authorize failure, as Slack names it. */
export class OAuthFailure extends Error {
  constructor(readonly error: string) {
    super(error);
  }
}

const rand = (n: number) => randomBytes(n).toString('hex');
const upperId = (prefix: string) => `${prefix}${randomBytes(5).toString('hex').toUpperCase()}`;

/**
 * The install side of the Slack emulation: bot tokens and who they act for, the authorize page
 * (`/oauth/v2/authorize`, like Slack's: pick a workspace or, for an Enterprise Grid org, the whole
 * org, then Allow or Cancel) and `oauth.v2.access` (code exchange once per code; the refresh grant
 * when token rotation is on). Codes live 10 minutes; tokens of an uninstalled workspace are revoked.
 */
export class SandboxInstalls {
  readonly grants = new Map<string, SandboxGrant>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly redirectUris = new Set<string>();
  /** Every token handed out (bot, refresh), for tests that check none leaks. */
  readonly issued: string[] = [];
  refreshCount = 0;

  constructor(
    private readonly options: {
      client?: SandboxOAuthClient | undefined;
      workspaces: SandboxWorkspace[];
      enterprises: SandboxEnterprise[];
      tokenRotation: boolean;
    },
  ) {}

  get workspaces(): readonly SandboxWorkspace[] {
    return this.options.workspaces;
  }

  addWorkspace(ws: SandboxWorkspace): void {
    this.options.workspaces.push(ws);
  }

  registerRedirectUri(uri: string): void {
    this.redirectUris.add(uri);
  }

  /** A live grant for a token, or the error Slack answers with. */
  check(token: string | undefined, kind: 'bot' | 'app'): SandboxGrant | string {
    if (token === undefined) return 'not_authed';
    const grant = this.grants.get(token);
    if (!grant || grant.kind !== kind) return 'invalid_auth';
    if (grant.revoked) return 'token_revoked';
    if (grant.expiresAt !== undefined && grant.expiresAt < Date.now()) return 'token_expired';
    return grant;
  }

  /** Revokes every token of a workspace's or org's installation (what uninstalling does); how many. */
  uninstall(teamOrEnterpriseId: string): number {
    let n = 0;
    for (const g of this.grants.values()) {
      const mine = g.isEnterpriseInstall ? g.enterpriseId === teamOrEnterpriseId : g.teamId === teamOrEnterpriseId;
      if (mine && !g.revoked && g.kind === 'bot') {
        g.revoked = true;
        n += 1;
      }
    }
    return n;
  }

  private team(id: string): SandboxWorkspace | undefined {
    return this.options.workspaces.find((w) => w.teamId === id);
  }

  private enterprise(id: string | undefined): SandboxEnterprise | undefined {
    return id === undefined ? undefined : this.options.enterprises.find((e) => e.id === id);
  }

  /** The authorize page's answer: HTML to show, or where to redirect. */
  authorize(method: string, params: URLSearchParams): { status: number; html?: string; location?: string } {
    const client = this.options.client;
    const clientId = params.get('client_id');
    if (!client || clientId !== client.clientId) return { status: 400, html: errorPage('invalid_client_id', 'This app is not known to the Slack sandbox.') };
    const scope = params.get('scope') ?? '';
    if (scope.trim() === '') return { status: 400, html: errorPage('invalid_scope', 'The install link asks for no scopes.') };
    const redirectUri = params.get('redirect_uri') ?? undefined;
    const registered = [...this.redirectUris];
    const target = redirectUri ?? (registered.length === 1 ? registered[0] : undefined);
    if (!target || !this.redirectUris.has(target)) {
      return { status: 400, html: errorPage('bad_redirect_uri', 'redirect_uri did not match any configured URIs.') };
    }
    const state = params.get('state') ?? '';
    if (method === 'GET') return { status: 200, html: this.consentPage(params) };

    const back = new URL(target);
    if (params.get('decision') !== 'allow') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('state', state);
      return { status: 302, location: back.href };
    }
    const choice = /^(team|enterprise):([A-Z0-9]+)$/.exec(params.get('install_to') ?? '');
    const valid = choice && (choice[1] === 'team' ? this.team(choice[2]!) : this.enterprise(choice[2]!));
    if (!choice || !valid) return { status: 400, html: errorPage('invalid_team', 'Pick a workspace to install to.') };
    const code = `${rand(4)}.${rand(20)}`;
    this.codes.set(code, { grantTarget: { scope: choice[1] as 'team' | 'enterprise', id: choice[2]! }, redirectUri, scopes: scope, expires: Date.now() + CODE_TTL_MS });
    back.searchParams.set('code', code);
    back.searchParams.set('state', state);
    return { status: 302, location: back.href };
  }

  private consentPage(params: URLSearchParams): string {
    const hidden = ['client_id', 'scope', 'state', 'redirect_uri', 'user_scope', 'team']
      .map((k) => [k, params.get(k)] as const)
      .filter((kv): kv is readonly [string, string] => kv[1] !== null)
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`)
      .join('\n');
    const options = [
      ...this.options.workspaces.map((w) => ({ value: `team:${w.teamId}`, label: w.teamName, note: w.enterpriseId ? `workspace in ${this.enterprise(w.enterpriseId)?.name ?? w.enterpriseId}` : 'workspace' })),
      ...this.options.enterprises.map((e) => ({ value: `enterprise:${e.id}`, label: e.name, note: 'whole organization (org-wide install)' })),
    ];
    const radios = options
      .map((o, i) => `<label><input type="radio" name="install_to" value="${escapeHtml(o.value)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(o.label)} <small>${escapeHtml(o.note)}</small></label>`)
      .join('\n');
    return page(
      'Install Save to Notion',
      `<h1>Save to Notion is requesting permission to access your Slack workspace</h1>
<p>It will be able to: ${escapeHtml((params.get('scope') ?? '').split(',').join(', '))}</p>
<form method="post" action="/oauth/v2/authorize">
${hidden}
<fieldset><legend>Install to</legend>
${radios}
</fieldset>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</form>`,
    );
  }

  /** `oauth.v2.access`: the code grant (once per code) or, with token rotation, the refresh grant. */
  access(args: Record<string, unknown>, basicAuth: { id: string; secret: string } | undefined): Record<string, unknown> {
    const client = this.options.client;
    const clientId = typeof args.client_id === 'string' ? args.client_id : basicAuth?.id;
    const clientSecret = typeof args.client_secret === 'string' ? args.client_secret : basicAuth?.secret;
    if (!client || clientId !== client.clientId) throw new OAuthFailure('invalid_client_id');
    if (clientSecret !== client.clientSecret) throw new OAuthFailure('bad_client_secret');

    if (args.grant_type === 'refresh_token') {
      const old = typeof args.refresh_token === 'string' ? args.refresh_token : '';
      const accessToken = this.refreshTokens.get(old);
      const grant = accessToken ? this.grants.get(accessToken) : undefined;
      if (!accessToken || !grant || grant.revoked) throw new OAuthFailure('invalid_refresh_token');
      this.refreshTokens.delete(old); // a refresh token works once
      this.refreshCount += 1;
      const { token, refreshToken } = this.issue({ ...grant, revoked: false });
      return { ok: true, token_type: 'bot', access_token: token, refresh_token: refreshToken, expires_in: ROTATED_TOKEN_TTL_S, team: grant.teamId ? { id: grant.teamId, name: grant.teamName } : null, enterprise: grant.enterpriseId ? { id: grant.enterpriseId, name: grant.enterpriseName } : null, is_enterprise_install: grant.isEnterpriseInstall };
    }

    const code = typeof args.code === 'string' ? args.code : '';
    const pending = this.codes.get(code);
    if (!pending || pending.expires < Date.now()) throw new OAuthFailure('invalid_code');
    this.codes.delete(code); // each code exchanges once
    const redirectUri = typeof args.redirect_uri === 'string' ? args.redirect_uri : undefined;
    if (pending.redirectUri !== undefined && redirectUri !== pending.redirectUri) throw new OAuthFailure('bad_redirect_uri');

    const org = pending.grantTarget.scope === 'enterprise';
    const ws = org ? undefined : this.team(pending.grantTarget.id);
    const ent = this.enterprise(org ? pending.grantTarget.id : ws?.enterpriseId);
    // Reinstalling replaces the bot's earlier tokens, as Slack does.
    const previous = [...this.grants.values()].find((g) => g.kind === 'bot' && (org ? g.isEnterpriseInstall && g.enterpriseId === ent?.id : !g.isEnterpriseInstall && g.teamId === ws?.teamId));
    const { token, refreshToken } = this.issue({
      kind: 'bot',
      teamId: ws?.teamId,
      teamName: ws?.teamName,
      enterpriseId: ent?.id,
      enterpriseName: ent?.name,
      isEnterpriseInstall: org,
      botUserId: previous?.botUserId ?? upperId('U0B'),
      botId: previous?.botId ?? upperId('B0'),
      revoked: false,
    });
    return {
      ok: true,
      app_id: client.appId ?? 'A0SANDBOX',
      authed_user: { id: upperId('U0') },
      scope: pending.scopes,
      token_type: 'bot',
      access_token: token,
      bot_user_id: this.grants.get(token)!.botUserId,
      team: ws ? { id: ws.teamId, name: ws.teamName } : null,
      enterprise: ent ? { id: ent.id, name: ent.name } : null,
      is_enterprise_install: org,
      ...(refreshToken ? { refresh_token: refreshToken, expires_in: ROTATED_TOKEN_TTL_S } : {}),
    };
  }

  /** Mints a bot token (and, with rotation, its refresh token) for a grant. */
  issue(grant: SandboxGrant): { token: string; refreshToken: string | undefined } {
    const rotating = this.options.tokenRotation;
    const token = `${rotating ? 'xoxe.xoxb-1-' : 'xoxb-'}${rand(4)}-${rand(6)}-${randomBytes(18).toString('base64url')}`;
    this.grants.set(token, { ...grant, expiresAt: rotating ? Date.now() + ROTATED_TOKEN_TTL_S * 1000 : undefined });
    this.issued.push(token);
    if (!rotating) return { token, refreshToken: undefined };
    const refreshToken = `xoxe-1-${randomBytes(24).toString('base64url')}`;
    this.refreshTokens.set(refreshToken, token);
    this.issued.push(refreshToken);
    return { token, refreshToken };
  }
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1d1c1d}
fieldset{border:1px solid #ddd;border-radius:8px;margin:1rem 0}label{display:block;padding:.35rem 0}small{color:#616061}
button{font:inherit;font-weight:600;padding:.6rem 1.2rem;border-radius:6px;border:1px solid #bbb;background:#fff;margin-right:.5rem}
button[value=allow]{background:#007a5a;color:#fff;border-color:#007a5a}.note{font-size:.8rem;color:#616061;margin-top:2rem}</style></head>
<body>${body}
<p class="note">Slack sandbox: a local stand-in for slack.com. Nothing here leaves this computer.</p>
</body></html>
`;
}

function errorPage(code: string, text: string): string {
  return page('Slack: something went wrong', `<h1>Something went wrong</h1><p>${escapeHtml(text)}</p><p><code>${escapeHtml(code)}</code></p>`);
}
