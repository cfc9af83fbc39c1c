/* The sandbox page's script: polls the sandbox state, keeps the message lists and tables in sync
 * (adding or replacing only what changed, so focus and screen-reader announcements behave), and
 * sends the visitor's actions to the same-origin sandbox API. Every piece of HTML it inserts was
 * rendered and escaped by the server. */
/* global document, window, fetch, setTimeout, clearTimeout */
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const form = $('composer');
  const input = $('composer-input');
  const status = $('composer-status');
  const announcer = $('notion-announcer');
  const lists = {
    channel: { container: $('channel-messages'), scroller: $('channel-scroll'), items: new Map() },
    dms: { container: $('dm-messages'), scroller: $('dm-scroll'), items: new Map() },
    tables: { container: $('notion-tables'), scroller: null, items: new Map() },
  };
  const knownRows = new Set();
  let firstSync = true;
  /** After the visitor's own action, show what it brought even when they had scrolled up (Slack does). */
  let followNext = false;

  const nearBottom = (el) => !el || el.scrollHeight - el.scrollTop - el.clientHeight < 80;

  /** Brings one list in line with the server's items: same order, only changed nodes touched. */
  function sync(list, items) {
    const wanted = new Set(items.map((i) => i.id));
    for (const [id, entry] of list.items) {
      if (!wanted.has(id)) {
        entry.node.remove();
        list.items.delete(id);
      }
    }
    const stick = nearBottom(list.scroller);
    let added = false;
    let previous = null;
    for (const item of items) {
      let entry = list.items.get(item.id);
      if (!entry) {
        const node = document.createElement('div');
        node.className = 'item';
        node.dataset.id = item.id;
        node.innerHTML = item.html;
        entry = { node, html: item.html };
        list.items.set(item.id, entry);
        added = true;
      } else if (entry.html !== item.html) {
        entry.node.innerHTML = item.html;
        entry.html = item.html;
      }
      const expected = previous ? previous.nextSibling : list.container.firstChild;
      if (expected !== entry.node) list.container.insertBefore(entry.node, expected);
      previous = entry.node;
    }
    if (added && (stick || followNext) && list.scroller) list.scroller.scrollTop = list.scroller.scrollHeight;
    return added;
  }

  /** Marks rows that appeared since the last poll, and says so to screen readers. */
  function highlightNewRows() {
    const fresh = [];
    for (const row of lists.tables.container.querySelectorAll('tr[id^="row-"]')) {
      if (knownRows.has(row.id)) continue;
      knownRows.add(row.id);
      if (firstSync) continue;
      row.classList.add('new-row');
      const table = row.closest('section');
      const name = row.querySelector('th');
      fresh.push(`${name ? name.textContent : 'a row'} in ${table ? table.dataset.title : 'the table'}`);
    }
    if (fresh.length) announcer.textContent = `New Notion row: ${fresh.join(', ')}`;
  }

  let latest = 0;
  let applied = 0;
  let timer;
  async function refresh() {
    clearTimeout(timer);
    const seq = (latest += 1);
    try {
      const res = await fetch('/sandbox/api/state', { cache: 'no-store' });
      if (!res.ok) throw new Error(String(res.status));
      const state = await res.json();
      if (seq > applied) {
        applied = seq;
        if (sync(lists.channel, state.channel)) followNext = false;
        sync(lists.dms, state.dms);
        $('dm-empty').hidden = state.dms.length > 0;
        sync(lists.tables, state.tables);
        highlightNewRows();
        firstSync = false;
        if (status.dataset.offline) {
          status.textContent = '';
          delete status.dataset.offline;
        }
      }
    } catch {
      status.textContent = 'The sandbox server is not answering. Is npm start still running?';
      status.dataset.offline = '1';
    }
    timer = setTimeout(refresh, 1000);
  }

  async function post(path, body) {
    followNext = true;
    try {
      const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = await res.json().catch(() => ({ ok: res.ok }));
      return json;
    } catch {
      return { ok: false, error: 'The sandbox server is not answering. Is npm start still running?' };
    }
  }

  let sending = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || sending) return;
    sending = true;
    input.value = '';
    status.textContent = '';
    const result = await post('/sandbox/api/command', { text });
    sending = false;
    if (!result.ok) {
      status.textContent = result.error || 'That did not work.';
      input.value = text;
    }
    input.focus();
    refresh();
  });

  document.addEventListener('click', async (event) => {
    const target = event.target instanceof window.Element ? event.target : null;
    if (!target) return;
    const chip = target.closest('[data-fill]');
    if (chip) {
      input.value = chip.getAttribute('data-fill');
      input.focus();
      return;
    }
    const shortcut = target.closest('button[data-shortcut]');
    if (shortcut) {
      shortcut.disabled = true;
      shortcut.classList.add('busy');
      const result = await post('/sandbox/api/shortcut', { messageId: shortcut.getAttribute('data-shortcut') });
      shortcut.disabled = false;
      shortcut.classList.remove('busy');
      if (!result.ok) status.textContent = result.error || 'That did not work.';
      refresh();
      return;
    }
    const button = target.closest('button[data-action-id]');
    if (button) {
      button.disabled = true;
      const result = await post('/sandbox/api/action', { messageKey: button.dataset.messageKey, actionId: button.dataset.actionId });
      button.disabled = false;
      if (!result.ok) status.textContent = result.error || 'That did not work.';
      refresh();
    }
  });

  document.addEventListener('change', async (event) => {
    const select = event.target;
    if (!(select instanceof window.HTMLSelectElement) || !select.classList.contains('bk-select') || !select.value) return;
    const result = await post('/sandbox/api/action', { messageKey: select.dataset.messageKey, actionId: select.dataset.actionId, value: select.value });
    if (!result.ok) status.textContent = result.error || 'That did not work.';
    refresh();
  });

  refresh();
})();
