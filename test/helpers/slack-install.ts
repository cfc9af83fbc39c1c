import { expect } from 'vitest';
import type { SlackSandbox } from '../../src/sandbox/slack/slack-sandbox.js';
import type { Product } from './product.js';

/** Plays the browser through "Add to Slack": landing page, Bolt's install path (cookie), Slack's authorize page. */
export async function visitInstall(
  product: Product,
  slack: SlackSandbox,
  installTo: string,
  decision: 'allow' | 'cancel' = 'allow',
) {
  const landing = await fetch(`${product.url}/slack/install`);
  const html = await landing.text();
  expect(landing.status).toBe(200);
  expect(html).toContain('href="/slack/install/start"');
  const start = await fetch(`${product.url}/slack/install/start`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect(cookie).toMatch(/^slack-app-oauth-state=/);
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.href.startsWith(slack.authorizeUrl)).toBe(true);
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${product.url}/slack/oauth_redirect`);
  const consent = await fetch(authorize);
  expect(consent.status).toBe(200);
  await consent.text();
  const form = new URLSearchParams(authorize.searchParams);
  form.set('install_to', installTo);
  form.set('decision', decision);
  const decided = await fetch(slack.authorizeUrl, { method: 'POST', body: form, redirect: 'manual' });
  expect(decided.status).toBe(302);
  const callbackUrl = decided.headers.get('location')!;
  return { callbackUrl, cookie, landingHtml: html };
}

export async function install(product: Product, slack: SlackSandbox, installTo: string) {
  const visit = await visitInstall(product, slack, installTo);
  const page = await fetch(visit.callbackUrl, { headers: { cookie: visit.cookie } });
  return { ...visit, page, html: await page.text() };
}
