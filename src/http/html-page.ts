import type { ServerResponse } from 'node:http';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface PageContent {
  title: string;
  /** Plain text paragraphs; escaped here. */
  paragraphs: string[];
  tone: 'success' | 'error' | 'info';
}

const STYLE = `
  :root { color-scheme: light dark; }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; display: grid;
         min-height: 100vh; place-items: center; background: #f6f5f4; color: #37352f; }
  main { max-width: 30rem; margin: 1.5rem; padding: 2rem; border-radius: 12px; background: #fff;
         box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
  .mark { font-size: 2rem; line-height: 1; margin-bottom: .5rem; }
  p { margin: .5rem 0; }
  @media (prefers-color-scheme: dark) { body { background: #191919; color: #e6e6e5; } main { background: #252525; } }
`;

const MARKS = { success: '✅', error: '⚠️', info: 'ℹ️' } as const;

/** A small self-contained page: no scripts, no external resources, no referrer, never cached. */
export function sendPage(res: ServerResponse, status: number, page: PageContent): void {
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(page.title)} · Save to Notion</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="mark" aria-hidden="true">${MARKS[page.tone]}</div>
<h1>${escapeHtml(page.title)}</h1>
${page.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
</main>
</body>
</html>
`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  });
  res.end(body);
}
