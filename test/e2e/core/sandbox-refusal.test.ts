import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const TSX = resolve('node_modules/.bin/tsx');
const MAIN = resolve('src/main.ts');

/**
 * Starts the product as `npm start` does (`tsx src/main.ts`), in an empty folder (no `.env`),
 * with only `env` and PATH; resolves with the exit code and output once it exits.
 */
function start(
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(TSX, [MAIN], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** `npm start` with a deployment's variables but no platform's: it says why, exits 1, starts nothing. */
describe('npm start refuses sandbox mode on a deployment missing its credentials', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'stn-refusal-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it.each([
    ['a real STORE_URL', { STORE_URL: 'postgres://app:hunter2@127.0.0.1:1/tweets' }, 'STORE_URL is set'],
    [
      'a PUBLIC_URL and a key',
      { PUBLIC_URL: 'https://tweets.example.com', TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') },
      'PUBLIC_URL, TOKEN_ENCRYPTION_KEY are set',
    ],
  ])(
    'with %s',
    async (_what, env, named) => {
      const run = await start(cwd, { PORT: '0', ...env });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`save-to-notion: ${named} but no NOTION_*, SLACK_* or DISCORD_* variable is`);
      expect(run.stderr).toContain('To try the sandbox, unset');
      expect(run.stdout).not.toContain('SANDBOX MODE');
      // Nothing was opened or generated: no store, no development key.
      expect(existsSync(join(cwd, 'data'))).toBe(false);
      for (const value of Object.values(env)) expect(run.stderr + run.stdout).not.toContain(value.slice(-12));
    },
    60_000,
  );
});
