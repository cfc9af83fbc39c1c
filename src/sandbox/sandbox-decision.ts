/**
 * Whether `npm start` runs the no-accounts sandbox. Kept free of imports so `main.ts` can decide
 * without loading any sandbox code; the sandbox itself is imported only when it runs.
 */

/** Prefixes of the variables that configure a real Notion, Slack or Discord. */
const REAL_PREFIXES = ['NOTION_', 'SLACK_', 'DISCORD_'] as const;

export type SandboxDecision =
  | { run: true }
  | { run: false; reason: 'production' | 'configured'; variables: string[] };

/**
 * Sandbox mode runs only when NODE_ENV is not `production` and no `NOTION_*`, `SLACK_*` or `DISCORD_*`
 * variable has a value (blank values count as unset, as in `loadConfig`). Any one of them means the
 * operator is configuring the real services, so the product runs for real and never starts the sandbox.
 * Pure: reads only the `env` it is given.
 */
export function shouldRunSandbox(env: Readonly<Record<string, string | undefined>>): SandboxDecision {
  if ((env.NODE_ENV ?? '').trim() === 'production') return { run: false, reason: 'production', variables: ['NODE_ENV'] };
  const variables = Object.keys(env)
    .filter((name) => REAL_PREFIXES.some((p) => name.startsWith(p)) && (env[name] ?? '').trim() !== '')
    .sort();
  return variables.length > 0 ? { run: false, reason: 'configured', variables } : { run: true };
}

/** The console box printed when sandbox mode starts: what this is and the one URL to open. */
export function sandboxBanner(url: string): string {
  const lines = [
    'SANDBOX MODE: no Slack, Discord or Notion account needed',
    '',
    `Open ${url} in your browser`,
    'and type /notion-connect in the chat.',
    '',
    'The real product (Bolt, core, @notionhq/client) talks to local',
    'emulations of Slack and Notion. Nothing leaves this computer.',
    'Set NOTION_*, SLACK_* or DISCORD_* variables to run for real.',
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '═'.repeat(width + 4);
  return [`╔${bar}╗`, ...lines.map((l) => `║  ${l.padEnd(width)}  ║`), `╚${bar}╝`].join('\n');
}
