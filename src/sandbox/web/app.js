/* The sandbox page's script: polls the sandbox state, keeps the message lists and tables in sync
 * (adding or replacing only what changed, so focus and screen-reader announcements behave), and
 * sends the visitor's actions to the same-origin sandbox API. Every piece of HTML it inserts was
 * rendered and escaped by the server. */
/* global document, window, fetch, setTimeout, clearTimeout, URLSearchParams */
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  /** Which emulated workspace this page is (`?ws=<team id>`; none: the first): every API call names it. */
  const ws = new URLSearchParams(window.location.search).get('ws');
  const api = (path) => (ws ? `${path}?ws=${encodeURIComponent(ws)}` : path);
  const form = $('composer');
  const input = $('composer-input');
  const status = $('composer-status');
  const dmForm = $('dm-composer');
  const dmInput = $('dm-input');
  const dmStatus = $('dm-status');
  const announcer = $('notion-announcer');
  const dmPanel = $('dms');
  const lists = {
    channel: { container: $('channel-messages'), scroller: $('channel-scroll'), items: new Map() },
    dms: { container: $('dm-messages'), scroller: $('dm-scroll'), items: new Map() },
    tables: { container: $('notion-tables'), scroller: null, items: new Map() },
  };
  const knownRows = new Set();
  let firstSync = true;
  /** Below 900 px the panels stack and the document scrolls, not the panels (keep in step with app.css). */
  const narrow = window.matchMedia('(max-width: 899px)');
  /**
   * After the visitor's own action, show what it brings even when they had scrolled away (Slack does):
   * the list the action was made in, for a while, until the visitor scrolls by themselves.
   */
  const FOLLOW_MS = 10_000;
  let follow = null;
  /** DMs that arrived out of sight and have not been on screen since. */
  const unread = new Set();

  const nearBottom = (el) => !el || el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  /** The node each list last brought into view on a phone. */
  const revealed = { channel: null, dms: null };
  const following = (name) => follow !== null && follow.list === name && Date.now() < follow.until;

  /** The composer sticks to the bottom of the screen on phones: app.css keeps what the page reveals above it. */
  const measureComposer = () => document.documentElement.style.setProperty('--composer-h', `${form.offsetHeight}px`);
  if (window.ResizeObserver) new window.ResizeObserver(measureComposer).observe(form);
  for (const type of ['wheel', 'touchmove']) window.addEventListener(type, () => (follow = null), { passive: true });

  /** Whether enough of a node is on screen to count as seen: inside its panel and not under the sticky composer. */
  function onScreen(node) {
    if (!node.isConnected) return false;
    const rect = node.getBoundingClientRect();
    if (rect.height === 0) return false;
    let top = 0;
    let bottom = window.innerHeight;
    const scroller = node.closest('.scroll');
    if (!narrow.matches && scroller) {
      const s = scroller.getBoundingClientRect();
      top = Math.max(top, s.top);
      bottom = Math.min(bottom, s.bottom);
    }
    const composer = form.getBoundingClientRect();
    if (narrow.matches && composer.top < bottom && composer.bottom >= bottom - 1) bottom = composer.top;
    return Math.min(rect.bottom, bottom) - Math.max(rect.top, top) >= Math.min(rect.height / 2, 60);
  }

  /** Shows or hides the unread markers (the DMs link, the panel heading, the "new DM" pill). */
  function updateUnread() {
    for (const node of unread) if (!node.isConnected || onScreen(node)) unread.delete(node);
    const count = unread.size;
    for (const el of document.querySelectorAll('[data-unread]')) el.hidden = count === 0;
    $('dm-alert-text').textContent = count === 1 ? '1 new direct message' : `${count} new direct messages`;
  }
  let scrollCheck = 0;
  const checkSoon = () => {
    if (scrollCheck || unread.size === 0) return;
    scrollCheck = window.requestAnimationFrame(() => {
      scrollCheck = 0;
      updateUnread();
    });
  };
  document.addEventListener('scroll', checkSoon, { capture: true, passive: true });
  window.addEventListener('resize', checkSoon);

  /** Brings one list in line with the server's items: same order, only changed nodes touched. Returns the nodes it added. */
  function sync(list, items) {
    const wanted = new Set(items.map((i) => i.id));
    for (const [id, entry] of list.items) {
      if (!wanted.has(id)) {
        entry.node.remove();
        list.items.delete(id);
      }
    }
    const stick = nearBottom(list.scroller) || (follow !== null && Date.now() < follow.until);
    const added = [];
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
        added.push(node);
      } else if (entry.html !== item.html) {
        entry.node.innerHTML = item.html;
        entry.html = item.html;
      }
      const expected = previous ? previous.nextSibling : list.container.firstChild;
      if (expected !== entry.node) list.container.insertBefore(entry.node, expected);
      previous = entry.node;
    }
    // Side by side, each panel scrolls by itself: keep it at the newest message.
    if (added.length && !narrow.matches && list.scroller && stick) list.scroller.scrollTop = list.scroller.scrollHeight;
    return added;
  }

  /** On a phone the page itself scrolls: bring the newest answer to the visitor's action into view, above the composer. */
  function reveal(name, added) {
    if (!added.length || !narrow.matches || !following(name)) return;
    measureComposer();
    revealed[name] = added[added.length - 1];
    revealed[name].scrollIntoView({ block: 'nearest' });
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
      const res = await fetch(api('/sandbox/api/state'), { cache: 'no-store' });
      if (!res.ok) throw new Error(String(res.status));
      const state = await res.json();
      if (seq > applied) {
        applied = seq;
        const inChannel = sync(lists.channel, state.channel);
        const inDms = sync(lists.dms, state.dms);
        $('dm-empty').hidden = state.dms.length > 0;
        sync(lists.tables, state.tables);
        showModal(state.modal);
        highlightNewRows();
        reveal('dms', inDms);
        // The visitor's own DMs are never news to them.
        if (!firstSync)
          for (const node of inDms) if (!onScreen(node) && !node.querySelector('[data-own]')) unread.add(node);
        // Before revealing the channel's answer: the "new DM" pill makes the composer taller. When the pill comes
        // with a later poll than the answer, the answer is brought above the taller composer again.
        const pillBefore = unread.size > 0;
        updateUnread();
        const pillCame = !pillBefore && unread.size > 0 && revealed.channel?.isConnected;
        reveal('channel', inChannel.length || !pillCame ? inChannel : [revealed.channel]);
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

  /** The app's open modal (views.open) as a dialog: its inputs, Cancel and the submit button. */
  let modalId;
  function showModal(modal) {
    let dialog = document.getElementById('slack-modal');
    if (!modal) {
      if (dialog && dialog.open && modalId) dialog.close();
      modalId = undefined;
      return;
    }
    if (modalId === modal.id) return;
    modalId = modal.id;
    if (!dialog) {
      dialog = document.createElement('dialog');
      dialog.id = 'slack-modal';
      dialog.className = 'slack-modal';
      document.body.append(dialog);
    }
    dialog.replaceChildren();
    const form = document.createElement('form');
    form.method = 'dialog';
    const heading = document.createElement('h2');
    heading.textContent = modal.title;
    form.append(heading);
    for (const input of modal.inputs) {
      const label = document.createElement('label');
      label.textContent = input.label;
      const field = document.createElement(input.multiline ? 'textarea' : 'input');
      field.name = input.blockId;
      field.placeholder = input.placeholder;
      label.append(field);
      form.append(label);
    }
    const buttons = document.createElement('div');
    buttons.className = 'modal-buttons';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = 'Cancel';
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.className = 'primary';
    submit.textContent = modal.submit;
    buttons.append(cancel, submit);
    form.append(buttons);
    dialog.append(form);
    const id = modal.id;
    cancel.addEventListener('click', async () => {
      dialog.close();
      await post('/sandbox/api/modal', { viewId: id }, 'channel');
      refresh();
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const values = {};
      for (const input of modal.inputs) values[input.blockId] = form.elements[input.blockId].value;
      dialog.close();
      const result = await post('/sandbox/api/modal', { viewId: id, values }, 'channel');
      if (!result.ok) status.textContent = result.error || 'That did not work.';
      refresh();
    });
    dialog.showModal();
  }

  /** Sends one of the visitor's actions; what it brings to `list` is then followed into view. */
  async function post(path, body, list) {
    follow = { list, until: Date.now() + FOLLOW_MS };
    try {
      const res = await fetch(api(path), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = await res.json().catch(() => ({ ok: res.ok }));
      return json;
    } catch {
      return { ok: false, error: 'The sandbox server is not answering. Is npm start still running?' };
    }
  }
  const listOf = (el) => (el.closest('#dm-messages') ? 'dms' : 'channel');
  /** Where to say that an action in a list did not work: under the message box of that pane. */
  const statusFor = (list) => (list === 'dms' ? dmStatus : status);

  /**
   * "DMs", "Check your DMs" and the new-DM pill: show the first unread DM (else the newest) with the
   * panel's heading when both fit, and move focus there so keyboard and screen-reader users land on it.
   */
  function showDms() {
    const items = [...lists.dms.container.children];
    const target = items.find((n) => unread.has(n)) ?? items[items.length - 1];
    if (!target) {
      dmPanel.scrollIntoView({ block: 'start' });
      return;
    }
    if (
      narrow.matches &&
      target.getBoundingClientRect().bottom - dmPanel.getBoundingClientRect().top <= window.innerHeight
    )
      dmPanel.scrollIntoView({ block: 'start' });
    else target.scrollIntoView({ block: narrow.matches ? 'start' : 'nearest' });
    target.tabIndex = -1;
    target.focus({ preventScroll: true });
    for (const node of items) unread.delete(node);
    updateUnread();
  }

  /** A message box: Enter sends its text to `path`; when that fails the text stays and the reason shows under it. */
  function composer(box, field, note, path, list) {
    let sending = false;
    box.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = field.value.trim();
      if (!text || sending) return;
      sending = true;
      field.value = '';
      note.textContent = '';
      const result = await post(path, { text }, list);
      sending = false;
      if (!result.ok) {
        note.textContent = result.error || 'That did not work.';
        field.value = text;
      }
      field.focus();
      refresh();
    });
  }
  // #general: commands go to the app as slash commands, anything else is a message in the channel.
  composer(form, input, status, '/sandbox/api/command', 'channel');
  // The app's DM: a message.im event, answered by the bot in the DM.
  composer(dmForm, dmInput, dmStatus, '/sandbox/api/dm', 'dms');

  document.addEventListener('click', async (event) => {
    const target = event.target instanceof window.Element ? event.target : null;
    if (!target) return;
    if (target.closest('a[href="#dms"]')) {
      event.preventDefault();
      showDms();
      return;
    }
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
      const body = { messageId: shortcut.getAttribute('data-shortcut') };
      if (shortcut.hasAttribute('data-thread')) body.thread = true;
      const result = await post('/sandbox/api/shortcut', body, 'channel');
      shortcut.disabled = false;
      shortcut.classList.remove('busy');
      if (!result.ok) status.textContent = result.error || 'That did not work.';
      refresh();
      return;
    }
    const button = target.closest('button[data-action-id]');
    if (button) {
      button.disabled = true;
      const list = listOf(button);
      const result = await post(
        '/sandbox/api/action',
        { messageKey: button.dataset.messageKey, actionId: button.dataset.actionId },
        list,
      );
      button.disabled = false;
      if (!result.ok) statusFor(list).textContent = result.error || 'That did not work.';
      refresh();
    }
  });

  document.addEventListener('change', async (event) => {
    const select = event.target;
    if (!(select instanceof window.HTMLSelectElement) || !select.classList.contains('bk-select') || !select.value)
      return;
    const list = listOf(select);
    const result = await post(
      '/sandbox/api/action',
      { messageKey: select.dataset.messageKey, actionId: select.dataset.actionId, value: select.value },
      list,
    );
    if (!result.ok) statusFor(list).textContent = result.error || 'That did not work.';
    refresh();
  });

  refresh();
})();
