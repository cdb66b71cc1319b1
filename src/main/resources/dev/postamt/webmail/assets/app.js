// The webmail: folders, message list, reader and composer over JMAP. No framework: the page's
// elements (Shell.java) are filled from JMAP answers; every text goes in through textContent.
import { Jmap } from './api.js';
import { Reader } from './reader.js';
import { Composer } from './compose.js';
import { remember } from './contacts.js';

const PAGE = 50;
const ROLE_ORDER = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash'];
const $ = id => document.getElementById(id);

export const app = {
  jmap: null,
  mailboxes: [],
  mailbox: null, // the id of the folder shown
  sort: 'receivedAt',
  show: 'all',
  search: null, // an Email/query filter, or null
  position: 0,
  total: 0,
  ids: [],
  emails: new Map(),
  selected: -1,
  threads: false, // conversation view: one row per thread (Email/query collapseThreads, RFC 8621 §4.4)
  threadOf: new Map(), // threadId -> its emailIds, oldest first (Thread/get), for the rows shown
  busyCount: 0,
};

/** Shows a line in the status bar; kind 'error' stays until the next one. */
export function status(text, kind = 'info') {
  const s = $('status');
  s.textContent = text;
  s.className = kind;
  clearTimeout(status.timer);
  if (kind !== 'error' && text) status.timer = setTimeout(() => { s.textContent = ''; s.className = ''; }, 4000);
}

/** Runs a slow action with the busy indicator on, reporting its failure in the status bar. */
export async function busy(label, fn) {
  app.busyCount++;
  document.body.classList.add('busy');
  if (label) status(label + '…');
  try {
    return await fn();
  } catch (e) {
    status(e.message || String(e), 'error');
    console.warn(label, e);
    return undefined;
  } finally {
    if (label && $('status').textContent === label + '…') status('');
    if (--app.busyCount === 0) document.body.classList.remove('busy');
  }
}

export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'value') e.value = v;
    else if (k in e && typeof v !== 'string') e[k] = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...children.filter(c => c !== null && c !== undefined));
  return e;
}

export function roleBox(role) {
  return app.mailboxes.find(m => m.role === role);
}

export function boxName(id) {
  const m = app.mailboxes.find(b => b.id === id);
  return m ? m.name : '';
}

export function formatSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / 1048576).toFixed(1)} MB`;
}

export function formatAddress(a) {
  return a ? (a.name ? `${a.name} <${a.email}>` : a.email) : '';
}

function shortDate(iso) {
  const d = new Date(iso);
  const now = new Date();
  return d.toDateString() === now.toDateString()
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric', month: 'short', day: 'numeric' });
}

// ---- folders -------------------------------------------------------------------------------

/**
 * Calls of {@code fn} may overlap (a push refresh under way when the user switches threads, sort or folder):
 * only the newest draws. {@code fn} gets {@code stale()} first and returns without drawing when it says so
 * once its answer is in; a caller whose call was overtaken waits for the newest one, so whoever awaits
 * sees what the latest settings draw.
 */
function newestOnly(fn) {
  let seq = 0;
  let latest = Promise.resolve();
  return (...args) => {
    const mine = ++seq;
    const p = fn(() => mine !== seq, ...args).then(r => (mine !== seq ? latest : r));
    latest = p;
    return p;
  };
}

export const loadMailboxes = newestOnly(async stale => {
  const r = await app.jmap.one('Mailbox/get', { ids: null });
  if (stale()) return;
  app.mailboxes = r.list;
  const rank = m => (m.role && ROLE_ORDER.includes(m.role) ? ROLE_ORDER.indexOf(m.role) : ROLE_ORDER.length);
  const byParent = new Map();
  for (const m of app.mailboxes) {
    const k = m.parentId || '';
    if (!byParent.has(k)) byParent.set(k, []);
    byParent.get(k).push(m);
  }
  const ul = $('folders');
  ul.replaceChildren();
  const add = (parent, depth) => {
    const kids = (byParent.get(parent) || []).sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
    for (const m of kids) {
      const count = m.unreadEmails ? el('span', { class: 'count', text: String(m.unreadEmails) }) : null;
      const b = el('button', { type: 'button', class: 'folder', dataset: { id: m.id, role: m.role || '' } },
        el('span', { class: 'name', text: m.name }), count);
      b.style.setProperty('--depth', depth);
      const li = el('li', { role: 'treeitem', class: m.id === app.mailbox ? 'current' : '' }, b);
      li.addEventListener('dragover', e => { e.preventDefault(); li.classList.add('drop'); });
      li.addEventListener('dragleave', () => li.classList.remove('drop'));
      li.addEventListener('drop', e => {
        e.preventDefault();
        li.classList.remove('drop');
        const id = e.dataTransfer.getData('text/x-postamt-email');
        if (id) moveEmails([id], m.id);
      });
      ul.append(li);
      add(m.id, depth + 1);
    }
  };
  add('', 0);
  if (!app.mailbox || !app.mailboxes.some(m => m.id === app.mailbox)) {
    app.mailbox = (roleBox('inbox') || app.mailboxes[0] || {}).id;
    markCurrentFolder();
  }
  Reader.refreshMoveTargets();
});

function markCurrentFolder() {
  for (const b of document.querySelectorAll('#folders button.folder')) {
    b.parentElement.classList.toggle('current', !app.search && b.dataset.id === app.mailbox);
  }
}

async function openFolder(id) {
  app.mailbox = id;
  app.search = null;
  $('search').value = '';
  app.position = 0;
  markCurrentFolder();
  document.body.dataset.view = 'list';
  await busy('', loadList);
}

async function ask(title, value = '') {
  const d = el('dialog', { class: 'ask' });
  const input = el('input', { type: 'text', value, 'aria-label': title, id: 'ask-input' });
  const form = el('form', { method: 'dialog' }, el('p', { text: title }), input,
    el('div', { class: 'buttons' }, el('button', { type: 'submit', value: 'ok', id: 'ask-ok', text: 'OK' }),
      el('button', { type: 'submit', value: 'cancel', class: 'secondary', formnovalidate: true, text: 'Cancel' })));
  d.append(form);
  document.body.append(d);
  d.showModal();
  input.focus();
  return new Promise(resolve => d.addEventListener('close', () => {
    d.remove();
    resolve(d.returnValue === 'ok' ? input.value.trim() : null);
  }));
}

async function folderSet(change, done) {
  await busy('Saving the folder', async () => {
    Jmap.check(await app.jmap.one('Mailbox/set', change));
    await loadMailboxes();
    status(done, 'ok');
  });
}

async function newFolder() {
  const name = await ask('Name of the new folder');
  if (name) await folderSet({ create: { f: { name, parentId: null } } }, `Folder ${name} created`);
}

async function renameFolder() {
  const m = app.mailboxes.find(b => b.id === app.mailbox);
  if (!m || m.role) { status('Only your own folders can be renamed', 'error'); return; }
  const name = await ask(`New name for ${m.name}`, m.name);
  if (name && name !== m.name) await folderSet({ update: { [m.id]: { name } } }, `Folder renamed to ${name}`);
}

async function deleteFolder() {
  const m = app.mailboxes.find(b => b.id === app.mailbox);
  if (!m || m.role) { status('Only your own folders can be deleted', 'error'); return; }
  if (app.mailboxes.some(b => b.parentId === m.id)) { status(`Delete or move the folders inside ${m.name} first`, 'error'); return; }
  const trash = roleBox('trash');
  const n = m.totalEmails || 0;
  const what = n ? ` Its ${n} message${n === 1 ? '' : 's'} will be moved to ${trash ? trash.name : 'Trash'}.` : '';
  const yes = await ask(`Delete folder ${m.name}?${what} Type its name to confirm.`);
  if (yes !== m.name) return;
  await busy('Deleting the folder', async () => {
    if (n && !trash) throw new Error('There is no Trash folder to keep its messages in.');
    // a folder is removed only once it is empty: its mail goes to Trash first, never destroyed with it
    for (let left = n, round = 0; left > 0 && round < 100; round++) {
      const q = await app.jmap.one('Email/query', { filter: { inMailbox: m.id }, limit: 500, calculateTotal: true });
      if (!q.ids.length) break;
      Jmap.check(await app.jmap.one('Email/set', { update: Object.fromEntries(q.ids.map(id => [id, { mailboxIds: { [trash.id]: true } }])) }));
      left = q.total - q.ids.length;
    }
    Jmap.check(await app.jmap.one('Mailbox/set', { destroy: [m.id], onDestroyRemoveEmails: false }));
    app.mailbox = null;
    Reader.clear();
    await loadMailboxes();
    await loadList();
    status(`Folder ${m.name} deleted`, 'ok');
  });
}

// ---- list ----------------------------------------------------------------------------------

function filter() {
  const conds = [];
  if (app.search) {
    const skip = ['trash', 'junk'].map(roleBox).filter(Boolean).map(m => m.id);
    if (skip.length) conds.push({ inMailboxOtherThan: skip });
    conds.push(app.search);
  } else {
    conds.push({ inMailbox: app.mailbox });
  }
  if (app.show === 'unread') conds.push({ notKeyword: '$seen' });
  if (app.show === 'flagged') conds.push({ hasKeyword: '$flagged' });
  return conds.length === 1 ? conds[0] : { operator: 'AND', conditions: conds };
}

const LIST_PROPS = ['id', 'threadId', 'mailboxIds', 'keywords', 'from', 'to', 'subject', 'receivedAt', 'size', 'preview', 'hasAttachment'];

/** Fetches and draws the list (the newest call draws, see newestOnly). */
export const loadList = newestOnly(async (stale, keepSelection = false) => {
  if (!app.mailbox) return;
  const calls = [
    ['Email/query', { filter: filter(), sort: [{ property: app.sort, isAscending: app.sort === 'from' || app.sort === 'subject' }],
      collapseThreads: app.threads, position: app.position, limit: PAGE, calculateTotal: true }, 'q'],
    ['Email/get', { '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' }, properties: LIST_PROPS }, 'g'],
  ];
  if (app.threads) calls.push(['Thread/get', { '#ids': { resultOf: 'g', name: 'Email/get', path: '/list/*/threadId' } }, 't']);
  const r = await app.jmap.call(calls);
  if (stale()) return;
  // the selection as it is now that the answer is in: the user may have moved it while the request was out
  const oldId = keepSelection && app.selected >= 0 ? app.ids[app.selected] : null;
  app.threadOf = new Map(r.t ? r.t.list.map(t => [t.id, t.emailIds]) : []);
  app.total = r.q.total;
  app.ids = r.q.ids;
  app.emails = new Map(r.g.list.map(e => [e.id, e]));
  app.selected = oldId ? app.ids.indexOf(oldId) : -1;
  for (const e of r.g.list) (e.from || []).forEach(a => remember(a, 1));
  renderList();
});

/** How many messages the conversation of a listed Email has (1 when threads are off). */
export function threadSize(e) {
  return app.threads && app.threadOf.has(e.threadId) ? app.threadOf.get(e.threadId).length : 1;
}

/** Another page of the list, shown from its top. */
async function newPage() {
  await loadList();
  $('list-pane').scrollTop = 0;
}

function renderList() {
  const ul = $('messages');
  ul.replaceChildren();
  if (!app.ids.length) {
    ul.append(el('li', { class: 'empty', text: app.search ? 'Nothing found.' : 'No messages here.' }));
  }
  app.ids.forEach((id, i) => {
    const e = app.emails.get(id);
    if (!e) return;
    const k = e.keywords || {};
    const who = app.mailboxes.find(m => m.id === app.mailbox && m.role === 'sent')
      ? (e.to || []).map(a => a.name || a.email).join(', ') : (e.from || []).map(a => a.name || a.email).join(', ');
    const flag = el('button', { type: 'button', class: 'flag', title: k.$flagged ? 'Unflag (f)' : 'Flag',
      'aria-pressed': k.$flagged ? 'true' : 'false', text: k.$flagged ? '★' : '☆' });
    flag.addEventListener('click', ev => { ev.stopPropagation(); toggleKeyword(id, '$flagged'); });
    const li = el('li', { role: 'option', draggable: 'true', tabindex: '-1',
      class: `msg${k.$seen ? '' : ' unread'}${k.$flagged ? ' flagged' : ''}${i === app.selected ? ' selected' : ''}`,
      dataset: { id }, 'aria-selected': i === app.selected ? 'true' : 'false' },
      flag,
      el('span', { class: 'from', text: who || '(nobody)' }),
      el('span', { class: 'date', text: shortDate(e.receivedAt) }),
      el('span', { class: 'subject', text: (e.hasAttachment ? '📎 ' : '') + (e.subject || '(no subject)') },
        threadSize(e) > 1 ? el('span', { class: 'thread-count', title: 'Messages in this conversation', text: String(threadSize(e)) }) : null),
      el('span', { class: 'preview', text: e.preview || '' }),
      app.search ? el('span', { class: 'where', text: boxName(Object.keys(e.mailboxIds)[0]) }) : null,
      el('span', { class: 'size', text: formatSize(e.size) }));
    li.addEventListener('click', () => select(i));
    li.addEventListener('dragstart', ev => ev.dataTransfer.setData('text/x-postamt-email', id));
    ul.append(li);
  });
  const end = Math.min(app.position + app.ids.length, app.total);
  $('range').textContent = app.total ? `${app.position + 1}–${end} of ${app.total}` : '0';
  $('prev').disabled = app.position === 0;
  $('next').disabled = end >= app.total;
}

export async function select(i) {
  if (i < 0 || i >= app.ids.length) return;
  app.selected = i;
  for (const li of document.querySelectorAll('#messages li.msg')) {
    const on = li.dataset.id === app.ids[i];
    li.classList.toggle('selected', on);
    li.setAttribute('aria-selected', on ? 'true' : 'false');
    if (on) li.scrollIntoView({ block: 'nearest' });
  }
  document.body.dataset.view = 'reader';
  await busy('', () => Reader.open(app.ids[i]));
}

export function currentEmail() {
  return app.selected >= 0 ? app.emails.get(app.ids[app.selected]) : null;
}

// ---- actions -------------------------------------------------------------------------------

export async function toggleKeyword(id, keyword, on) {
  const e = app.emails.get(id) || Reader.email;
  const now = on !== undefined ? on : !(e && e.keywords && e.keywords[keyword]);
  await busy('', async () => {
    Jmap.check(await app.jmap.one('Email/set', { update: { [id]: { [`keywords/${keyword}`]: now ? true : null } } }));
    if (e) e.keywords = { ...(e.keywords || {}), [keyword]: now || undefined };
    renderList();
    Reader.refreshButtons();
    if (keyword === '$seen') await loadMailboxes();
  });
}

/** Moves Emails to a mailbox (ids change on this server, so the list is read again). */
export async function moveEmails(ids, mailboxId, done) {
  const target = app.mailboxes.find(m => m.id === mailboxId);
  await busy('Moving', async () => {
    const update = Object.fromEntries(ids.map(id => [id, { mailboxIds: { [mailboxId]: true } }]));
    Jmap.check(await app.jmap.one('Email/set', { update }));
    // the row after the moved ones opens next; the open message stands for a selection a redraw forgot
    const next = app.selected >= 0 ? app.selected : app.ids.indexOf(Reader.email && Reader.email.id);
    if (ids.includes(Reader.email && Reader.email.id)) Reader.clear();
    await loadMailboxes();
    await loadList();
    status(done || `Moved to ${target ? target.name : 'the folder'}`, 'ok');
    if (next >= 0 && next < app.ids.length && Reader.email === null && document.body.dataset.view !== 'list') {
      await select(next);
    }
  });
}

/** Copies an Email to another mailbox: a new message there (Email/copy within the account, RFC 8621 §4.7). */
export async function copyEmail(id, mailboxId) {
  const target = app.mailboxes.find(m => m.id === mailboxId);
  await busy('Copying', async () => {
    const r = await app.jmap.one('Email/copy', { fromAccountId: app.jmap.accountId,
      create: { c: { id, mailboxIds: { [mailboxId]: true } } } });
    const failed = r.notCreated && r.notCreated.c;
    if (failed) throw new Error(`Not copied: ${failed.description || failed.type}`);
    await loadMailboxes();
    status(`Copied to ${target ? target.name : 'the folder'}`, 'ok');
  });
}

export async function deleteEmail(id) {
  const trash = roleBox('trash');
  const e = app.emails.get(id) || Reader.email;
  if (trash && e && !e.mailboxIds[trash.id]) {
    await moveEmails([id], trash.id, 'Moved to Trash');
    return;
  }
  await busy('Deleting', async () => {
    Jmap.check(await app.jmap.one('Email/set', { destroy: [id] }));
    Reader.clear();
    await loadMailboxes();
    await loadList();
    status('Deleted for good', 'ok');
  });
}

// ---- search --------------------------------------------------------------------------------

/** The search box's words as an Email/query filter: from: to: subject: after: before: has:attachment, the rest is text. */
export function parseSearch(q) {
  const conds = [];
  const text = [];
  for (const m of q.matchAll(/(\w+):("[^"]*"|\S+)|("[^"]*"|\S+)/g)) {
    const key = (m[1] || '').toLowerCase();
    const val = (m[2] || m[3] || '').replace(/^"|"$/g, '');
    if (key === 'from' || key === 'to' || key === 'subject' || key === 'body') conds.push({ [key]: val });
    else if (key === 'after' || key === 'before') {
      const d = new Date(val + (val.length === 10 ? 'T00:00:00Z' : ''));
      if (Number.isNaN(d.getTime())) throw new Error(`${key}: needs a date like 2025-12-31`);
      conds.push({ [key]: d.toISOString().replace(/\.\d{3}Z$/, 'Z') });
    } else if (key === 'has' && val === 'attachment') conds.push({ hasAttachment: true });
    else text.push(m[0]);
  }
  if (text.length) conds.push({ text: text.join(' ') });
  if (!conds.length) return null;
  return conds.length === 1 ? conds[0] : { operator: 'AND', conditions: conds };
}

async function runSearch(q) {
  try {
    app.search = parseSearch(q);
  } catch (e) {
    status(e.message, 'error');
    return;
  }
  app.position = 0;
  markCurrentFolder();
  document.body.dataset.view = 'list';
  await busy(app.search ? 'Searching' : '', loadList);
  if (app.search) status(`${app.total} found`, 'ok');
}

// ---- keys, push, start ---------------------------------------------------------------------

function onKey(e) {
  const t = e.target;
  if (e.ctrlKey || e.metaKey || e.altKey || (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) {
    if (e.key === 'Escape' && t && t.id === 'search') { t.value = ''; runSearch(''); t.blur(); }
    return;
  }
  if (document.querySelector('dialog[open]') || Composer.isOpen()) return;
  const cur = currentEmail() || Reader.email;
  const acts = {
    j: () => select(app.selected + 1),
    k: () => select(app.selected <= 0 ? 0 : app.selected - 1),
    r: () => cur && Composer.reply(Reader.email, false),
    a: () => cur && Composer.reply(Reader.email, true),
    f: () => cur && Composer.forward(Reader.email, false),
    c: () => Composer.compose(),
    '#': () => cur && deleteEmail(cur.id),
    '/': () => $('search').focus(),
    '.': () => cur && toggleKeyword(cur.id, '$seen'),
    s: () => cur && toggleKeyword(cur.id, '$flagged'),
    v: () => cur && $('move-to') && $('move-to').focus(),
  };
  const act = acts[e.key];
  if (act) {
    e.preventDefault();
    act();
  }
}

let refreshTimer = null;
function onPush() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => busy('', async () => {
    await loadMailboxes();
    await loadList(true);
  }), 150);
}

async function start() {
  app.jmap = await Jmap.connect();
  Reader.init(app);
  Composer.init(app);
  $('folders').addEventListener('click', e => {
    const b = e.target.closest('button.folder');
    if (b) openFolder(b.dataset.id);
  });
  $('folder-new').addEventListener('click', newFolder);
  $('folder-rename').addEventListener('click', renameFolder);
  $('folder-delete').addEventListener('click', deleteFolder);
  $('compose').addEventListener('click', () => Composer.compose());
  $('menu').addEventListener('click', () => { document.body.dataset.view = document.body.dataset.view === 'folders' ? 'list' : 'folders'; });
  $('sort').addEventListener('change', e => { app.sort = e.target.value; app.position = 0; busy('', loadList); });
  $('threads').addEventListener('change', e => { app.threads = e.target.checked; app.position = 0; busy('', loadList); });
  $('show').addEventListener('change', e => { app.show = e.target.value; app.position = 0; busy('', loadList); });
  $('prev').addEventListener('click', () => { app.position = Math.max(0, app.position - PAGE); busy('', newPage); });
  $('next').addEventListener('click', () => { app.position += PAGE; busy('', newPage); });
  $('search-form').addEventListener('submit', e => { e.preventDefault(); runSearch($('search').value); });
  document.addEventListener('keydown', onKey);
  await loadMailboxes();
  await loadList();
  document.body.dataset.view = 'list';
  await Composer.restore(); // a message being written when the session ended
  document.body.classList.add('ready');
  performance.mark('postamt-ready'); // the load time bench/README.md reports (WebmailBrowserTest)
  app.events = app.jmap.listen(onPush);
}

busy('Loading', start);
