/**
 * Re-encrypts every stored record under the first key of TOKEN_ENCRYPTION_KEY, so the others can be
 * retired without waiting for each user to come back:
 *
 *   TOKEN_ENCRYPTION_KEY=new:<base64>,old:<base64> npm run rotate-keys
 *
 * Reads STORE_URL, TOKEN_ENCRYPTION_KEY, DATA_DIR, NODE_ENV and LOG_LEVEL as the product does (from
 * the environment, or a `.env` file in the current directory). Prints counts, never keys or contents.
 * Safe to run again, and while the product runs. Exit code 0 when every record is under the first key,
 * 2 when some could not be decrypted with any listed key, 1 when it could not run.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { closeKeyv, createKeyv, storeScheme } from '../src/store/keyv-factory.js';
import { resolveEncryptionKeys } from '../src/store/open-store.js';
import { rotateKeys, type RecordKind, type RotationReport } from '../src/store/rotate-keys.js';
import { createTokenCipher } from '../src/store/token-cipher.js';

const LABELS: Record<RecordKind, string> = {
  connections: 'connections',
  savedTweets: 'saved-tweet records',
  keptSaves: 'kept-save lists',
};

/** The report as lines for the terminal. */
export function formatReport(report: RotationReport, kid: string): string[] {
  return (Object.keys(LABELS) as RecordKind[]).map((kind) => {
    const c = report[kind];
    const extra = [
      c.unreadable ? `${c.unreadable} unreadable` : '',
      c.busy ? `${c.busy} changed while rotating` : '',
    ].filter(Boolean);
    return `${LABELS[kind]}: ${c.reencrypted} re-encrypted, ${c.current} already under "${kid}"${extra.length ? `, ${extra.join(', ')}` : ''}`;
  });
}

/** Only the store's variables: a half-set Slack or Discord family must not stop a rotation. */
function storeConfigFrom(env: Record<string, string | undefined>) {
  return loadConfig({
    STORE_URL: env.STORE_URL,
    TOKEN_ENCRYPTION_KEY: env.TOKEN_ENCRYPTION_KEY,
    DATA_DIR: env.DATA_DIR,
    NODE_ENV: env.NODE_ENV,
    LOG_LEVEL: env.LOG_LEVEL,
  });
}

/** The command line: returns the exit code. Output goes to `out` (counts) and `err` (problems). */
export async function main(
  env: Record<string, string | undefined>,
  out: (line: string) => void = console.log,
  err: (line: string) => void = console.error,
): Promise<number> {
  let config;
  try {
    config = storeConfigFrom(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`rotate-keys: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const scheme = storeScheme(config.storeUrl);
  if (scheme === 'memory') {
    err('rotate-keys: STORE_URL is memory://, which keeps nothing between runs: there is nothing to rotate.');
    return 1;
  }
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  let keyv;
  try {
    const keys = await resolveEncryptionKeys(config, log);
    const kid = keys[0]!.kid;
    keyv = await createKeyv(config.storeUrl);
    out(
      `rotate-keys: re-encrypting the ${scheme} store under key "${kid}" (${keys.length} key${keys.length === 1 ? '' : 's'} can decrypt)`,
    );
    const report = await rotateKeys(keyv, createTokenCipher(keys));
    for (const line of formatReport(report, kid)) out(line);
    const unreadable = Object.values(report).reduce((n, c) => n + c.unreadable, 0);
    if (unreadable > 0) {
      err(
        `rotate-keys: ${unreadable} record(s) could not be decrypted with any key in TOKEN_ENCRYPTION_KEY. ` +
          'If an old key is missing from the list, add it back (after the first) and run this again before retiring anything.',
      );
      return 2;
    }
    out(
      `rotate-keys: done. Every record is under "${kid}"; once every instance runs with "${kid}" first, the other keys can be removed.`,
    );
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`rotate-keys: ${e.message}`);
      return 1;
    }
    // Store errors name only the scheme (the URL may carry a password).
    err(`rotate-keys: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    if (keyv) await closeKeyv(keyv);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  process.exitCode = await main(process.env);
}
