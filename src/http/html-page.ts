import type { ServerResponse } from 'node:http';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface PageContent {
  title: string;
  /** Plain text paragraphs; escaped here. */
  paragraphs: string[];
  tone: 'success' | 'error' | 'info';
  /**
   * A POST form back to the page's own address (no `action`, so the page's query string goes along and
   * need not be repeated in the HTML): hidden fields and one submit button.
   */
  form?: { fields: Record<string, string>; submit: string } | undefined;
  /** A button-styled link under the text, e.g. "Add to Slack"; the href is escaped here. */
  action?: { href: string; label: string } | undefined;
}

export interface PageOptions {
  /**
   * Origins the page's form may submit to, besides itself: CSP `form-action` also covers where the POST
   * redirects (Chromium enforces it on the redirect). Pages without a form allow none.
   */
  formTargets?: readonly string[];
}

const STYLE = `
  :root { color-scheme: light dark; }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; display: grid;
         min-height: 100vh; place-items: center; background: #f6f5f4; color: #37352f; }
  main { max-width: 30rem; margin: 1.5rem; padding: 2rem; border-radius: 12px; background: #fff;
         box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
  .mark { display: block; width: 2.5rem; height: 2.5rem; margin-bottom: .75rem; }
  p { margin: .5rem 0; }
  form { margin-top: 1.25rem; }
  button { font: inherit; font-weight: 600; padding: .6rem 1.2rem; border: 0; border-radius: 8px; background: #0b6bcb;
           color: #fff; cursor: pointer; }
  button:focus-visible { outline: 3px solid #7fb6ee; outline-offset: 2px; }
  a.action { display: inline-block; margin-top: 1rem; padding: .6rem 1.1rem; border-radius: 8px; background: #4a154b;
             color: #fff; font-weight: 600; text-decoration: none; }
  a.action:focus-visible { outline: 3px solid #0b6bcb; outline-offset: 2px; }
  @media (prefers-color-scheme: dark) { body { background: #191919; color: #e6e6e5; } main { background: #252525; } }
`;

/**
 * The tone's mark, drawn inline: an emoji would need a colour-emoji font (headless Linux browsers
 * often have none and show an empty box) and an image would be an external resource. Decorative:
 * the heading says the same, so screen readers skip it.
 */
const mark = (shape: string) =>
  `<svg class="mark" viewBox="0 0 40 40" width="40" height="40" aria-hidden="true" focusable="false">${shape}</svg>`;
const GLYPH = 'fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"';
const MARKS = {
  /** A white tick on a green disc. */
  success: mark(`<circle cx="20" cy="20" r="19" fill="#1a7f4b"/><path ${GLYPH} d="M11.5 20.5l6 6 11-12"/>`),
  /** A white "!" on an amber-red triangle. */
  error: mark(
    `<path d="M20 2.5c1.2 0 2.3.6 2.9 1.7l15.3 27.6c1.2 2.2-.4 4.9-2.9 4.9H4.7c-2.5 0-4.1-2.7-2.9-4.9L17.1 4.2c.6-1.1 1.7-1.7 2.9-1.7z" fill="#c4320a"/><path ${GLYPH} d="M20 13.5v10"/><circle cx="20" cy="29.5" r="2.2" fill="#fff"/>`,
  ),
  /** A white "i" on a blue disc. */
  info: mark(
    `<circle cx="20" cy="20" r="19" fill="#0b6bcb"/><circle cx="20" cy="12.5" r="2.4" fill="#fff"/><path ${GLYPH} d="M20 18.5v11"/>`,
  ),
} as const;

function renderForm(form: NonNullable<PageContent['form']>): string {
  const hidden = Object.entries(form.fields).map(
    ([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
  );
  const button = `<button type="submit">${escapeHtml(form.submit)}</button>`;
  return `<form method="post">\n${hidden.join('\n')}\n${button}\n</form>`;
}

/** A small self-contained page: no scripts, no external resources, no referrer, never cached. */
export function sendPage(res: ServerResponse, status: number, page: PageContent, options: PageOptions = {}): void {
  const formAction = page.form ? ["'self'", ...(options.formTargets ?? [])].join(' ') : "'none'";
  // Under no-referrer a browser sends `Origin: null` with the form's POST, and the origin check needs
  // the real one; same-origin still sends nothing to other sites.
  const referrer = page.form ? 'same-origin' : 'no-referrer';
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="${referrer}">
<title>${escapeHtml(page.title)} · Save to Notion</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${MARKS[page.tone]}
<h1>${escapeHtml(page.title)}</h1>
${page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${page.form ? renderForm(page.form) : ''}
${page.action ? `<p><a class="action" href="${escapeHtml(page.action.href)}">${escapeHtml(page.action.label)}</a></p>` : ''}
</main>
</body>
</html>
`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': referrer,
    'content-security-policy': [
      "default-src 'none'",
      "style-src 'unsafe-inline'",
      "base-uri 'none'",
      `form-action ${formAction}`,
      "frame-ancestors 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  });
  res.end(body);
}
