import { escapeHtml } from '../escape-html.js';

/** What the consent page offers for one workspace. */
export interface ConsentWorkspace {
  id: string;
  name: string;
  icon: string | null;
  /** `parent`: the title of the page an item sits in, shown so two items with the same title can be told apart. */
  items: {
    id: string;
    kind: 'page' | 'table';
    title: string;
    parent?: string | undefined;
    /** Offered ticked unless false. */ ticked?: boolean;
  }[];
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f1f1f;background:#f7f6f3}
main{max-width:32rem;margin:0 auto;padding:2rem 1rem}
.card{background:#fff;border:1px solid #e3e2de;border-radius:12px;padding:1.5rem}
h1{font-size:1.35rem;line-height:1.3;margin:0 0 .5rem}
p{margin:.25rem 0 1rem;color:#5f5e5b}
fieldset{border:1px solid #e3e2de;border-radius:8px;margin:0 0 1rem;padding:.75rem 1rem}
legend{font-weight:600;padding:0 .25rem}
label{display:flex;gap:.6rem;align-items:flex-start;padding:.4rem 0;cursor:pointer}
input[type=radio],input[type=checkbox]{width:1.15rem;height:1.15rem;margin-top:.2rem;flex:none;accent-color:#0b6bcb}
ul{list-style:none;margin:0 0 0 1.75rem;padding:0}
.kind{font-size:.8rem;color:#6b6a67;margin-left:.25rem}
.empty{font-size:.9rem;color:#6b6a67;margin-left:1.75rem}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:1.25rem}
button{font:inherit;font-weight:600;border-radius:8px;padding:.65rem 1.2rem;min-height:44px;cursor:pointer;border:1px solid #d3d1cb;background:#fff;color:#1f1f1f}
button[value=allow]{background:#0b6bcb;border-color:#0b6bcb;color:#fff}
button:focus-visible,input:focus-visible{outline:3px solid #0b6bcb;outline-offset:2px}
.note{font-size:.8rem;color:#6b6a67;margin-top:1.25rem}
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="card">
${body}
</div>
<p class="note">Notion sandbox: a local stand-in for notion.com. Nothing here leaves this computer.</p>
</main>
</body>
</html>
`;
}

function workspaceFieldset(ws: ConsentWorkspace, index: number, checked: boolean): string {
  const radioId = `ws-${index}`;
  const items = ws.items.length
    ? `<ul aria-label="${escapeHtml(`Pages and tables in ${ws.name}`)}">${ws.items
        .map((item, i) => {
          const id = `${radioId}-item-${i}`;
          const kind = item.kind === 'table' ? 'Table' : 'Page';
          const where = item.parent === undefined ? '' : ` in ${item.parent || 'Untitled'}`;
          return `<li><label for="${id}"><input type="checkbox" id="${id}" name="share" value="${escapeHtml(item.id)}"${item.ticked === false ? '' : ' checked'}><span>${escapeHtml(item.title || 'Untitled')}<span class="kind">${escapeHtml(kind + where)}</span></span></label></li>`;
        })
        .join('')}</ul>`
    : '<p class="empty">No pages to share yet.</p>';
  return `<fieldset>
<legend>${escapeHtml(ws.icon ? `${ws.icon} ${ws.name}` : ws.name)}</legend>
<label for="${radioId}"><input type="radio" id="${radioId}" name="workspace_id" value="${escapeHtml(ws.id)}"${checked ? ' checked' : ''}><span>Connect this workspace</span></label>
${items}
</fieldset>`;
}

/** The consent screen: pick a workspace, tick what to share, allow or cancel. Every value is escaped. */
export function renderConsentPage(input: {
  integrationName: string;
  workspaces: ConsentWorkspace[];
  hidden: Record<'client_id' | 'redirect_uri' | 'state' | 'response_type' | 'owner', string>;
}): string {
  const first = input.workspaces[0]?.name ?? 'your workspace';
  const target = input.workspaces.length === 1 ? first : 'your Notion workspace';
  const hidden = Object.entries(input.hidden)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('\n');
  // An empty `share` marks "the form was used": unticking every box then shares nothing instead of everything.
  const marker = '<input type="hidden" name="share" value="">';
  return layout(
    `${input.integrationName} wants to access ${target}`,
    `<h1>${escapeHtml(input.integrationName)} wants to access ${escapeHtml(target)}</h1>
<p>Choose a workspace and the pages and tables ${escapeHtml(input.integrationName)} may read and add to. It will not see anything else.</p>
<form method="post" action="/v1/oauth/authorize">
${hidden}
${marker}
${input.workspaces.map((ws, i) => workspaceFieldset(ws, i, i === 0)).join('\n')}
<div class="actions">
<button type="submit" name="decision" value="allow">Allow access</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>`,
  );
}

/** A plain error page for requests that must not be redirected anywhere. */
export function renderErrorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${escapeHtml(message)}</p>`);
}
