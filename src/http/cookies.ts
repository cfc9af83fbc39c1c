/** Reads one cookie; `undefined` when absent or when the name appears more than once (ambiguous). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  const values = readCookies(header, name);
  return values.length === 1 ? values[0] : undefined;
}

/**
 * Every value sent under `name`, in header order. A browser sends two cookies of one name when they
 * differ in path or domain (one may have been planted by a sibling site); callers that compare
 * against a value they expect can accept any match instead of refusing the ambiguity.
 */
export function readCookies(header: string | undefined, name: string): string[] {
  if (!header) return [];
  return header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1));
}

export interface CookieOptions {
  maxAgeSeconds: number;
  path: string;
  secure: boolean;
  /** Lax by default: Lax comes back on Notion's top-level redirect to us; Strict never crosses sites. */
  sameSite?: 'Lax' | 'Strict';
}

/** An HttpOnly cookie, SameSite=Lax unless told otherwise; Secure when asked. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    `SameSite=${options.sameSite ?? 'Lax'}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
