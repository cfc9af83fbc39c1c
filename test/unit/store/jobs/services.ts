/**
 * The URL of a test service (`eval "$(bash .ci/services.sh)"` sets TEST_REDIS_URL and TEST_POSTGRES_URL). Unset on a
 * developer's machine: the suite is skipped, and says so. Unset in CI: fails, as the Keyv store tests do.
 */
export function requireServiceInCi(
  name: 'TEST_REDIS_URL' | 'TEST_POSTGRES_URL',
  what = 'the job queue contract',
): string | undefined {
  const url = process.env[name];
  if (url) return url;
  if (process.env.CI)
    throw new Error(`CI must run ${what} on real services: set ${name} (eval "$(bash .ci/services.sh)")`);
  console.warn(`SKIPPED: ${name} is unset, so ${what} does not run on that engine`);
  return undefined;
}
