import { timingSafeEqual } from 'node:crypto';
import { newId, newSecret, normalizeId } from './ids.js';
import type { ContentStore } from './state.js';

/** An OAuth client (a public integration) as registered in Notion's integration settings. */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** Shown on the consent page. */
  name: string;
  /** The integration's template (Notion's "Notion URL for optional template"): duplicated into the workspace on Allow. */
  template?: IntegrationTemplate | undefined;
}

/** A template page holding one table, as an integration owner sets it up in Notion. */
export interface IntegrationTemplate {
  pageTitle: string;
  table: { title: string; properties: Record<string, string> };
}

/** One installation: what a user allowed an integration to see in one workspace. */
export interface Bot {
  id: string;
  clientId: string;
  workspaceId: string;
  /** Ids of databases and pages the user ticked; children inherit. */
  shared: Set<string>;
  /** The page Notion duplicated from the integration's template during consent, if any. */
  duplicatedTemplateId: string | null;
  /** Objects the user later removed from the connection; wins over an inherited share. */
  hidden: Set<string>;
}

interface TokenRecord {
  kind: 'access' | 'refresh';
  botId: string;
  issuedAt: number;
  active: boolean;
}

interface PendingCode {
  clientId: string;
  /** The redirect_uri given in the authorize URL, or null when it was left out. */
  redirectUri: string | null;
  workspaceId: string;
  shared: string[];
  duplicatedTemplateId: string | null;
  expiresAt: number;
  used: boolean;
}

/** Codes live 10 minutes, like Notion's. */
const CODE_TTL_MS = 10 * 60_000;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** OAuth clients, authorization codes, installations (bots) and their tokens. */
export class GrantStore {
  readonly clients = new Map<string, OAuthClient>();
  readonly bots = new Map<string, Bot>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly tokens = new Map<string, TokenRecord>();
  exchanges = 0;

  constructor(private readonly content: ContentStore) {}

  /** The client if id and secret match, else null (compared in constant time). */
  authenticate(credentials: { id: string; secret: string } | null): OAuthClient | null {
    if (!credentials) return null;
    const client = this.clients.get(credentials.id);
    return client && sameSecret(client.clientSecret, credentials.secret) ? client : null;
  }

  issueCode(input: Omit<PendingCode, 'expiresAt' | 'used'>): string {
    const code = newSecret('');
    this.codes.set(code, { ...input, expiresAt: this.content.now() + CODE_TTL_MS, used: false });
    return code;
  }

  /** The pending grant for a code issued to this client, marking it used; null if unknown, used, expired or foreign. */
  peekCode(code: string, clientId: string): PendingCode | null {
    const pending = this.codes.get(code);
    if (!pending || pending.used || pending.clientId !== clientId || pending.expiresAt <= this.content.now())
      return null;
    return pending;
  }

  /** Turns a code into an installation with a fresh bot and a token pair. */
  redeemCode(pending: PendingCode): { bot: Bot; accessToken: string; refreshToken: string } {
    pending.used = true;
    const bot: Bot = {
      id: newId(),
      clientId: pending.clientId,
      workspaceId: pending.workspaceId,
      shared: new Set(pending.shared),
      hidden: new Set(),
      duplicatedTemplateId: pending.duplicatedTemplateId,
    };
    this.bots.set(bot.id, bot);
    this.exchanges++;
    return { bot, ...this.issueTokens(bot.id) };
  }

  private issueTokens(botId: string): { accessToken: string; refreshToken: string } {
    const accessToken = newSecret('ntn_');
    const refreshToken = newSecret('nrt_');
    const issuedAt = this.content.now();
    this.tokens.set(accessToken, { kind: 'access', botId, issuedAt, active: true });
    this.tokens.set(refreshToken, { kind: 'refresh', botId, issuedAt, active: true });
    return { accessToken, refreshToken };
  }

  /** New token pair for a live refresh token of this client; every older token of the bot dies. */
  refresh(refreshToken: string, clientId: string): { bot: Bot; accessToken: string; refreshToken: string } | null {
    const record = this.tokens.get(refreshToken);
    const bot = record && this.bots.get(record.botId);
    if (!record || !bot || !record.active || record.kind !== 'refresh' || bot.clientId !== clientId) return null;
    this.killBotTokens(bot.id);
    return { bot, ...this.issueTokens(bot.id) };
  }

  /** The installation behind a live access token. */
  botForAccessToken(token: string): Bot | null {
    const record = this.tokens.get(token);
    if (!record || !record.active || record.kind !== 'access') return null;
    return this.bots.get(record.botId) ?? null;
  }

  /** Token introspection for a client: only its own tokens are reported active. */
  introspect(token: string, clientId: string): { active: boolean; iat?: number } {
    const record = this.tokens.get(token);
    const bot = record && this.bots.get(record.botId);
    if (!record?.active || bot?.clientId !== clientId) return { active: false };
    return { active: true, iat: Math.floor(record.issuedAt / 1000) };
  }

  /** Revoking either token of an installation removes the connection, as when the user disconnects it. */
  revoke(token: string, clientId: string): void {
    const record = this.tokens.get(token);
    const bot = record && this.bots.get(record.botId);
    if (bot?.clientId === clientId) this.killBotTokens(bot.id);
  }

  /** Access tokens of the workspace stop working while refresh tokens stay valid (an expired access token). */
  expireAccessTokens(workspaceId: string): void {
    for (const t of this.tokens.values()) {
      if (t.kind === 'access' && this.bots.get(t.botId)?.workspaceId === workspaceId) t.active = false;
    }
  }

  revokeWorkspace(workspaceId: string): void {
    for (const bot of this.bots.values()) if (bot.workspaceId === workspaceId) this.killBotTokens(bot.id);
  }

  activeAccessTokens(workspaceId: string): number {
    let n = 0;
    for (const t of this.tokens.values()) {
      if (t.active && t.kind === 'access' && this.bots.get(t.botId)?.workspaceId === workspaceId) n++;
    }
    return n;
  }

  /** Removes an object from every installation in the workspace, even where it was shared through a parent. */
  unshare(workspaceId: string, objectId: string): void {
    const id = normalizeId(objectId);
    if (!id || this.content.workspaceOf(id) !== workspaceId)
      throw new Error(`no object ${objectId} in workspace ${workspaceId}`);
    // Permissions live on the database, not on its data sources.
    const target = this.content.dataSources.get(id)?.databaseId ?? id;
    for (const bot of this.bots.values()) {
      if (bot.workspaceId !== workspaceId) continue;
      bot.shared.delete(target);
      bot.hidden.add(target);
    }
  }

  /** Whether the installation may see the object: it or an ancestor is shared, and none on the way is hidden. */
  canSee(bot: Bot, id: string): boolean {
    if (this.content.workspaceOf(id) !== bot.workspaceId) return false;
    for (let cur: string | null = id, depth = 0; cur && depth < 100; cur = this.content.parentOf(cur), depth++) {
      if (bot.hidden.has(cur)) return false;
      if (bot.shared.has(cur)) return true;
    }
    return false;
  }

  private killBotTokens(botId: string): void {
    for (const t of this.tokens.values()) if (t.botId === botId) t.active = false;
  }
}
