import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BOT_EVENTS,
  BOT_SCOPES,
  COMMANDS,
  EVENTS_PATH,
  OAUTH_REDIRECT_PATH,
  SAVE_SHORTCUT_CALLBACK_ID,
  SAVE_THREAD_SHORTCUT_CALLBACK_ID,
} from '../../../../src/bots/slack/constants.js';

const manifest = readFileSync(new URL('../../../../manifest.yml', import.meta.url), 'utf8');
const lines = manifest.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));

/** The lines nested under `path` (a chain of `key:` lines by indentation), without a YAML library. */
function block(path: string[]): string[] {
  let scope = lines;
  for (const key of path) {
    const start = scope.findIndex((l) => l.trimStart().startsWith(`${key}:`));
    if (start < 0) throw new Error(`manifest has no ${path.join('.')}`);
    const indent = scope[start]!.length - scope[start]!.trimStart().length;
    const rest = scope.slice(start + 1);
    const end = rest.findIndex((l) => l.length - l.trimStart().length <= indent);
    scope = [scope[start]!, ...(end < 0 ? rest : rest.slice(0, end))];
  }
  return scope;
}
const value = (path: string[]) => /:\s*(.*)$/.exec(block(path)[0]!)![1]!.replace(/^"(.*)"$/, '$1');
const listItems = (path: string[]) =>
  block(path)
    .slice(1)
    .map((l) => /^\s*-\s*(.+)$/.exec(l)?.[1])
    .filter((v): v is string => v !== undefined);
/** `- key: value` list entries as objects. */
function entries(path: string[]): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const l of block(path).slice(1)) {
    const m = /^\s*(-\s*)?([a-z_]+):\s*(.*)$/.exec(l);
    if (!m) continue;
    if (m[1]) out.push({});
    out[out.length - 1]![m[2]!] = m[3]!.replace(/^"(.*)"$/, '$1');
  }
  return out;
}

describe('manifest.yml', () => {
  it('is a v1 manifest with the required display information', () => {
    expect(value(['_metadata', 'major_version'])).toBe('1');
    const name = value(['display_information', 'name']);
    expect(name.length).toBeGreaterThan(0);
    expect(name.length).toBeLessThanOrEqual(35);
    expect(value(['display_information', 'description']).length).toBeLessThanOrEqual(140);
    const long = value(['display_information', 'long_description']);
    expect(long.length).toBeGreaterThanOrEqual(175);
    expect(long.length).toBeLessThanOrEqual(4000);
    expect(value(['display_information', 'background_color'])).toMatch(/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i);
  });

  it('declares exactly the commands the code registers, each on the request URL', () => {
    const commands = entries(['features', 'slash_commands']);
    expect(commands.map((c) => c.command).sort()).toEqual(Object.values(COMMANDS).sort());
    for (const c of commands) {
      expect(c.url).toBe(`https://YOUR-HOST${EVENTS_PATH}`);
      expect(c.description!.length).toBeGreaterThan(0);
      expect(c.command!.length).toBeLessThanOrEqual(32);
    }
    const hint = commands.find((c) => c.command === COMMANDS.save)?.usage_hint;
    expect(hint).toMatch(/x\.com/);
    // `/save-tweet <link> to <table name>` saves once into another shared table.
    expect(hint).toMatch(/\bto table name\b/);
  });

  it('declares the message shortcut with the callback id the code listens to', () => {
    const shortcuts = entries(['features', 'shortcuts']);
    expect(shortcuts).toEqual([
      expect.objectContaining({ name: 'Save to Notion', type: 'message', callback_id: SAVE_SHORTCUT_CALLBACK_ID }),
      expect.objectContaining({
        name: 'Save thread to Notion',
        type: 'message',
        callback_id: SAVE_THREAD_SHORTCUT_CALLBACK_ID,
      }),
    ]);
    for (const s of shortcuts) {
      expect(s.name!.length).toBeLessThanOrEqual(24);
      expect(s.description!.length).toBeLessThanOrEqual(150);
    }
  });

  it('asks for exactly the scopes and events the adapter uses', () => {
    expect(listItems(['oauth_config', 'scopes', 'bot']).sort()).toEqual([...BOT_SCOPES].sort());
    expect(listItems(['settings', 'event_subscriptions', 'bot_events']).sort()).toEqual([...BOT_EVENTS].sort());
  });

  it('points events and interactivity at /slack/events and enables the Home and Messages tabs', () => {
    expect(value(['settings', 'event_subscriptions', 'request_url'])).toBe(`https://YOUR-HOST${EVENTS_PATH}`);
    expect(value(['settings', 'interactivity', 'is_enabled'])).toBe('true');
    expect(value(['settings', 'interactivity', 'request_url'])).toBe(`https://YOUR-HOST${EVENTS_PATH}`);
    expect(value(['features', 'app_home', 'home_tab_enabled'])).toBe('true');
    expect(value(['features', 'app_home', 'messages_tab_enabled'])).toBe('true');
    expect(value(['features', 'app_home', 'messages_tab_read_only_enabled'])).toBe('false');
    expect(value(['features', 'bot_user', 'display_name']).length).toBeGreaterThan(0);
    expect(value(['settings', 'socket_mode_enabled'])).toBe('false');
    expect(value(['settings', 'org_deploy_enabled'])).toBe('false');
    expect(value(['settings', 'token_rotation_enabled'])).toBe('false');
  });

  it('registers the OAuth redirect URL that Bolt returns to after an install, on the same placeholder host', () => {
    expect(listItems(['oauth_config', 'redirect_urls'])).toEqual([`https://YOUR-HOST${OAUTH_REDIRECT_PATH}`]);
    // Uninstalls delete the workspace's installation: both events must be subscribed.
    expect(listItems(['settings', 'event_subscriptions', 'bot_events'])).toEqual(
      expect.arrayContaining(['app_uninstalled', 'tokens_revoked']),
    );
  });

  it('sends every request URL to the placeholder host the README tells you to replace', () => {
    const urls = lines.map((l) => /^\s*-?\s*(?:url|request_url):\s*(\S+)/.exec(l)?.[1]).filter((u) => u !== undefined);
    expect(urls).toHaveLength(6);
    expect(new Set(urls)).toEqual(new Set([`https://YOUR-HOST${EVENTS_PATH}`]));
  });
});
