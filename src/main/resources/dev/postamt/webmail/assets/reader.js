// The reader: one message with its headers, actions, body and attachments. Plain text is shown
// as text (quote levels coloured); HTML is sanitised by the server (/mail/render/) and shown in a
// sandboxed frame without scripts; remote images stay blocked until allowed for the message or sender.
import { app, el, status, formatAddress, formatSize, roleBox, boxName, moveEmails, copyEmail, deleteEmail, toggleKeyword } from './app.js';
import { Composer } from './compose.js';
import { renderPlain, unflow } from './text.js';

const $ = id => document.getElementById(id);
const PREVIEWABLE = /^image\/(png|jpeg|gif|webp)$/;
const SENDERS_KEY = 'postamt.images.senders';

export const READ_PROPS = ['id', 'blobId', 'threadId', 'mailboxIds', 'keywords', 'from', 'to', 'cc', 'bcc', 'replyTo',
  'subject', 'sentAt', 'receivedAt', 'messageId', 'inReplyTo', 'references', 'size', 'hasAttachment',
  'textBody', 'htmlBody', 'attachments', 'bodyValues'];
const BODY_PROPS = ['partId', 'blobId', 'size', 'name', 'type', 'charset', 'disposition', 'cid', 'headers'];

function allowedSenders() {
  try {
    return new Set(JSON.parse(localStorage.getItem(SENDERS_KEY) || '[]'));
  } catch {
    return new Set();
  }
}

function isFlowed(part) {
  const ct = (part.headers || []).find(h => h.name.toLowerCase() === 'content-type');
  const v = ct ? ct.value.toLowerCase() : '';
  return { flowed: /format\s*=\s*"?flowed/.test(v), delsp: /delsp\s*=\s*"?yes/.test(v) };
}

export const Reader = {
  email: null,
  opening: 0, // counts open() calls: only the newest one's message is shown
  preferHtml: true,

  init() {
    this.refreshMoveTargets();
  },

  clear() {
    this.opening++; // a message still being fetched is not shown after this
    Composer.keep(); // a composer in the pane keeps what was typed as its draft
    this.email = null;
    this.thread = [];
    $('reader').replaceChildren(el('p', { class: 'empty', text: 'No message selected.' }));
  },

  /** The text of the message's text body (HTML bodies as text for quoting), signature included. */
  text(email = this.email) {
    const parts = email.textBody || [];
    return parts.map(p => {
      const v = (email.bodyValues[p.partId] || {}).value || '';
      if (p.type === 'text/html') return null;
      const f = isFlowed(p);
      return f.flowed ? unflow(v, f.delsp) : v;
    }).filter(v => v !== null).join('\n');
  },

  async fetch(id) {
    const r = await app.jmap.one('Email/get', { ids: [id], properties: READ_PROPS, bodyProperties: BODY_PROPS,
      fetchTextBodyValues: true, fetchHTMLBodyValues: true, maxBodyValueBytes: 1 << 20 });
    if (!r.list.length) throw new Error('This message is no longer there.');
    return r.list[0];
  },

  async open(id) {
    const seq = ++this.opening;
    const e = await this.fetch(id);
    const thread = app.threads ? await this.conversation(e) : [];
    if (seq !== this.opening) return; // another message was opened meanwhile (j j quickly): that one is shown
    this.email = e;
    this.thread = thread;
    this.show(e);
    if (!(e.keywords || {}).$seen) {
      await toggleKeyword(e.id, '$seen', true);
    }
  },

  /** The other messages of e's thread, in every folder, oldest first (Thread/get); empty for a thread of one. */
  async conversation(e) {
    let ids = app.threadOf.get(e.threadId);
    if (!ids) {
      const t = await app.jmap.one('Thread/get', { ids: [e.threadId] });
      ids = t.list.length ? t.list[0].emailIds : [];
    }
    if (ids.length < 2) return [];
    const r = await app.jmap.one('Email/get', { ids, properties: ['id', 'from', 'receivedAt', 'mailboxIds', 'keywords', 'preview'] });
    const byId = new Map(r.list.map(x => [x.id, x]));
    return ids.map(i => byId.get(i)).filter(Boolean);
  },

  /** The conversation as a list above the message: who, when, where; the message shown is marked. */
  threadNav(e, thread) {
    if (thread.length < 2) return null;
    const ol = el('ol', { class: 'thread', id: 'thread' });
    for (const m of thread) {
      const who = (m.from || []).map(a => a.name || a.email).join(', ') || '(nobody)';
      const b = el('button', { type: 'button', class: `thread-item${(m.keywords || {}).$seen ? '' : ' unread'}`, dataset: { id: m.id },
        'aria-current': m.id === e.id ? 'true' : 'false' },
        el('span', { class: 'who', text: who }), el('span', { class: 'when', text: new Date(m.receivedAt).toLocaleString() }),
        el('span', { class: 'where', text: boxName(Object.keys(m.mailboxIds)[0]) }), el('span', { class: 'preview', text: m.preview || '' }));
      if (m.id !== e.id) b.addEventListener('click', () => this.open(m.id).catch(err => status(err.message, 'error')));
      ol.append(el('li', {}, b));
    }
    return el('section', { class: 'conversation', 'aria-label': 'Conversation' },
      el('h3', { text: `Conversation, ${thread.length} messages` }), ol);
  },

  show(e, thread = this.thread || []) {
    const head = el('header', { class: 'msg-head' },
      el('h2', { id: 'msg-subject', text: e.subject || '(no subject)' }),
      line('From', e.from), line('To', e.to), e.cc && e.cc.length ? line('Cc', e.cc) : null,
      el('div', { class: 'hl' }, el('span', { class: 'k', text: 'Date' }),
        el('span', { text: new Date(e.sentAt || e.receivedAt).toLocaleString() })));
    const tools = this.toolbar(e);
    const body = el('div', { class: 'msg-body', id: 'msg-body' });
    const html = (e.htmlBody || []).find(p => p.type === 'text/html');
    const hasText = (e.textBody || []).some(p => p.type !== 'text/html');
    if (html && (this.preferHtml || !hasText)) {
      this.showHtml(e, html, body);
    } else {
      const pre = el('div', { class: 'plain', id: 'msg-text' });
      pre.append(renderPlain(this.text(e)));
      body.append(pre);
    }
    const atts = this.attachments(e);
    Composer.keep();
    $('reader').replaceChildren(...[el('button', { type: 'button', class: 'back', id: 'back', text: '‹ Back' }),
      this.threadNav(e, thread), head, tools, body, atts].filter(Boolean)); // a null would show as the text "null"
    $('back').addEventListener('click', () => { document.body.dataset.view = 'list'; });
  },

  showHtml(e, part, body) {
    const sender = (e.from && e.from[0] && e.from[0].email || '').toLowerCase();
    const url = images => `/mail/render/${encodeURIComponent(part.blobId)}?charset=${encodeURIComponent(part.charset || 'utf-8')}`
      + (images ? '&images=1' : '');
    const frame = el('iframe', { class: 'html', id: 'msg-frame', title: 'Message', referrerpolicy: 'no-referrer',
      sandbox: 'allow-popups allow-popups-to-escape-sandbox' });
    const allowed = allowedSenders().has(sender);
    frame.src = url(allowed);
    body.append(frame);
    if (allowed) {
      frame.dataset.checked = '0';
      return;
    }
    fetch(url(false), { method: 'HEAD', credentials: 'same-origin' }).then(r => {
      const n = Number(r.headers.get('X-Blocked-Images') || 0);
      frame.dataset.checked = String(n);
      if (!n || this.email !== e) return;
      const once = el('button', { type: 'button', id: 'images-once', text: 'Show images' });
      const always = el('button', { type: 'button', class: 'secondary', id: 'images-sender', text: `Always from ${sender}` });
      const bar = el('div', { class: 'images-bar', id: 'images-bar' },
        el('span', { text: `${n} remote image${n === 1 ? '' : 's'} blocked to protect your privacy. ` }), once, always);
      once.addEventListener('click', () => { frame.src = url(true); bar.remove(); });
      always.addEventListener('click', () => {
        const s = allowedSenders();
        s.add(sender);
        localStorage.setItem(SENDERS_KEY, JSON.stringify([...s]));
        frame.src = url(true);
        bar.remove();
      });
      body.prepend(bar);
    }).catch(() => {});
    const hasText = (e.textBody || []).some(p => p.type !== 'text/html');
    if (hasText) {
      const plain = el('button', { type: 'button', class: 'link', id: 'show-plain', text: 'Show as plain text' });
      plain.addEventListener('click', () => { this.preferHtml = false; this.show(e); this.preferHtml = true; });
      body.append(plain);
    }
  },

  toolbar(e) {
    const inJunk = roleBox('junk') && e.mailboxIds[roleBox('junk').id];
    const b = (id, text, title, fn, cls = '') => {
      const x = el('button', { type: 'button', id, class: cls, title, text });
      x.addEventListener('click', fn);
      return x;
    };
    const move = el('select', { id: 'move-to', 'aria-label': 'Move to folder' });
    move.addEventListener('change', () => {
      if (move.value) moveEmails([e.id], move.value);
    });
    const copy = el('select', { id: 'copy-to', 'aria-label': 'Copy to folder' });
    copy.addEventListener('change', () => {
      const to = copy.value;
      copy.value = '';
      if (to) copyEmail(e.id, to);
    });
    const bar = el('div', { class: 'msg-tools', role: 'toolbar' },
      b('reply', 'Reply', 'Reply (r)', () => Composer.reply(e, false)),
      b('reply-all', 'Reply all', 'Reply to all (a)', () => Composer.reply(e, true)),
      b('forward', 'Forward', 'Forward inline (f)', () => Composer.forward(e, false)),
      b('forward-attached', 'Forward as attachment', 'Forward with the message attached', () => Composer.forward(e, true), 'secondary'),
      b('delete', 'Delete', 'Delete (#)', () => deleteEmail(e.id), 'secondary'),
      inJunk
        ? b('not-spam', 'Not spam', 'Move to Inbox and teach the filter', () => this.spam(e, false), 'secondary')
        : b('spam', 'Spam', 'Move to Junk and teach the filter', () => this.spam(e, true), 'secondary'),
      b('flag', '', 'Flag (s)', () => toggleKeyword(e.id, '$flagged'), 'secondary'),
      b('unread', '', 'Mark read/unread (.)', () => toggleKeyword(e.id, '$seen'), 'secondary'),
      move, copy);
    queueMicrotask(() => { this.refreshButtons(); this.refreshMoveTargets(); });
    return bar;
  },

  refreshButtons() {
    const e = this.email;
    const f = $('flag');
    const u = $('unread');
    if (!e || !f || !u) return;
    const k = (app.emails.get(e.id) || e).keywords || {};
    e.keywords = k;
    f.textContent = k.$flagged ? 'Unflag' : 'Flag';
    u.textContent = k.$seen ? 'Mark unread' : 'Mark read';
  },

  refreshMoveTargets() {
    for (const [id, label] of [['move-to', 'Move to…'], ['copy-to', 'Copy to…']]) {
      const select = $(id);
      if (!select) continue;
      select.replaceChildren(el('option', { value: '', text: label }));
      for (const m of app.mailboxes) {
        if (this.email && this.email.mailboxIds[m.id]) continue;
        select.append(el('option', { value: m.id, text: m.name }));
      }
    }
  },

  async spam(e, isSpam) {
    const target = isSpam ? roleBox('junk') : roleBox('inbox');
    if (!target) {
      status(isSpam ? 'There is no Junk folder' : 'There is no Inbox', 'error');
      return;
    }
    await moveEmails([e.id], target.id, isSpam ? 'Marked as spam and moved to Junk' : 'Marked as not spam and moved to Inbox');
  },

  attachments(e) {
    const list = (e.attachments || []).filter(a => a.blobId);
    if (!list.length) return null;
    const ul = el('ul', { class: 'attachments', id: 'attachments' });
    for (const a of list) {
      const name = a.name || (a.type === 'message/rfc822' ? 'message.eml' : 'attachment');
      const link = el('a', { href: app.jmap.downloadUrl(a.blobId, name, a.type), download: name, text: name });
      const li = el('li', {}, link, el('span', { class: 'meta', text: ` ${a.type}, ${formatSize(a.size)}` }));
      if (PREVIEWABLE.test(a.type)) {
        li.append(el('img', { class: 'preview', alt: name, loading: 'lazy', src: app.jmap.downloadUrl(a.blobId, name, a.type) }));
      }
      ul.append(li);
    }
    return el('section', { class: 'atts' }, el('h3', { text: `${list.length} attachment${list.length === 1 ? '' : 's'}` }), ul);
  },
};

function line(label, addrs) {
  return el('div', { class: 'hl' }, el('span', { class: 'k', text: label }),
    el('span', { text: (addrs || []).map(formatAddress).join(', ') }));
}

