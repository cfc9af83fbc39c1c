/**
 * Whether `npm start` runs the no-accounts sandbox. Kept free of imports so `main.ts` can decide
 * without loading any sandbox code; the sandbox itself is imported only when it runs.
 */

/** Prefixes of the variables that configure a real Notion, Slack or Discord. */
const REAL_PREFIXES = ['NOTION_', 'SLACK_', 'DISCORD_'] as const;

/**
 * Variables that belong to a real deployment: its store (real users' connections), its public address
 * (the sandbox page must not be served there) and its encryption key (the sandbox must not write under it).
 */
export const DEPLOYMENT_VARIABLES = ['STORE_URL', 'PUBLIC_URL', 'TOKEN_ENCRYPTION_KEY'] as const;

/**
 * `production` / `configured`: run for real. `deployment`: neither, start nothing: a deployment's
 * variables are set without any platform's, which is a deployment missing its credentials, not a try-out.
 */
export type SandboxDecision =
  { run: true } | { run: false; reason: 'production' | 'configured' | 'deployment'; variables: string[] };

const isSet = (env: Readonly<Record<string, string | undefined>>, name: string) => (env[name] ?? '').trim() !== '';

/**
 * Sandbox mode runs only when NODE_ENV is not `production`, no `NOTION_*`, `SLACK_*` or `DISCORD_*`
 * variable has a value (blank values count as unset, as in `loadConfig`), and none of
 * {@link DEPLOYMENT_VARIABLES} has one either (unless `checkDeployment` is false: a caller's own overrides).
 * A platform variable means the operator is configuring the real services, so the product runs for real.
 * Pure: reads only the `env` it is given.
 */
export function shouldRunSandbox(
  env: Readonly<Record<string, string | undefined>>,
  options: { checkDeployment?: boolean } = {},
): SandboxDecision {
  if ((env.NODE_ENV ?? '').trim() === 'production')
    return { run: false, reason: 'production', variables: ['NODE_ENV'] };
  const variables = Object.keys(env)
    .filter((name) => REAL_PREFIXES.some((p) => name.startsWith(p)) && isSet(env, name))
    .sort();
  if (variables.length > 0) return { run: false, reason: 'configured', variables };
  const deployment = options.checkDeployment === false ? [] : DEPLOYMENT_VARIABLES.filter((name) => isSet(env, name));
  return deployment.length > 0 ? { run: false, reason: 'deployment', variables: [...deployment] } : { run: true };
}

/** Why sandbox mode refused to start on a deployment's variables, and the two ways out. One paragraph. */
export function sandboxRefusedMessage(variables: readonly string[]): string {
  const names = variables.join(', ');
  const verb = variables.length === 1 ? 'is' : 'are';
  return (
    `${names} ${verb} set but no NOTION_*, SLACK_* or DISCORD_* variable is, so this looks like a real deployment ` +
    `missing its credentials: refusing to start the sandbox against it (it would use that store, address or key). ` +
    `To run for real, set NOTION_CLIENT_ID and NOTION_CLIENT_SECRET and the Slack and/or Discord variables. ` +
    `To try the sandbox, unset ${names}.`
  );
}

/**
 * The console box printed when sandbox mode starts: what this is and the one URL to open (with
 * SANDBOX_SLACK=distribution, `addToSlack`: and that the app is installed from the page first).
 */
export function sandboxBanner(url: string, options: { addToSlack?: boolean } = {}): string {
  const lines = [
    'SANDBOX MODE: no Slack, Discord or Notion account needed',
    '',
    `Open ${url} in your browser`,
    ...(options.addToSlack
      ? ['and click Add to Slack, then type /notion-connect in the chat.']
      : ['and type /notion-connect in the chat.']),
    '',
    'The real product (Bolt, core, @notionhq/client) talks to local',
    'emulations of Slack and Notion. Nothing leaves this computer.',
    'Set NOTION_*, SLACK_* or DISCORD_* variables to run for real.',
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '═'.repeat(width + 4);
  return [`╔${bar}╗`, ...lines.map((l) => `║  ${l.padEnd(width)}  ║`), `╚${bar}╝`].join('\n');
}
