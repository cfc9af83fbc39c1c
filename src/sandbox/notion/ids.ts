import { randomBytes, randomUUID } from 'node:crypto';

/** A fresh lowercase dashed UUID, the form Notion returns ids in. */
export function newId(): string {
  return randomUUID();
}

/** Notion accepts ids with or without dashes; returns the dashed lowercase form, or null if it is not a UUID. */
export function normalizeId(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const hex = raw.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The public notion.so URL of a page or database. */
export function notionUrl(id: string): string {
  return `https://www.notion.so/${id.replace(/-/g, '')}`;
}

/** An unguessable secret with Notion's prefix (`ntn_` access tokens, `nrt_` refresh tokens). */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`;
}

/** Short property ids like Notion's (`%3AUPp`): only `title` is fixed, the rest are opaque. */
export function newPropertyId(taken: ReadonlySet<string>): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (;;) {
    const bytes = randomBytes(4);
    const id = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
    if (!taken.has(id) && id !== 'title') return id;
  }
}
