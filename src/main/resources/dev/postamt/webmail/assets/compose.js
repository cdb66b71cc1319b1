// The composer: plain text, replies quoted below the attribution with the answered text only (the
// selection when there is one) and without the sender's signature, the cursor below the quote,
// identities with their signatures, drafts saved as you write, attachments by file choice or drop.
// Sending: the message is built here (mime.js), uploaded, filed in Drafts with Email/import and sent
// with EmailSubmission/set, whose onSuccessUpdateEmail moves it to Sent (RFC 8621 §7.5).
import { app, el, status, busy, roleBox, formatAddress, formatSize, loadList, loadMailboxes } from './app.js';
import { Jmap } from './api.js';
import { Reader } from './reader.js';
import { quote, htmlToText, SIG_SEPARATOR } from './text.js';
import { build, parseAddresses } from './mime.js';
import { attach, remember } from './contacts.js';

const $ = id => document.getElementById(id);
const AUTOSAVE_MS = 15000;
const STASH = 'postamt-composer'; // sessionStorage key of a composer kept over a new login (stash/restore)

function selectedText() {
  const sel = window.getSelection();
  const box = $('msg-text');
  if (!sel || sel.isCollapsed || !box || !box.contains(sel.anchorNode) || !box.contains(sel.focusNode)) return '';
  return sel.toString();
}

function answeredText(e) {
  const chosen = selectedText();
  if (chosen.trim()) return chosen;
  const text = Reader.text(e);
  if (text.trim()) return text;
  const html = (e.htmlBody || []).find(p => p.type === 'text/html');
  return html && e.bodyValues[html.partId] ? htmlToText(e.bodyValues[html.partId].value) : '';
}

function withPrefix(subject, prefix) {
  const s = subject || '';
  return new RegExp(`^${prefix}:`, 'i').test(s) ? s : `${prefix}: ${s}`;
}

function uniqueAddresses(list, skip) {
  const seen = new Set(skip.map(s => s.toLowerCase()));
  return list.filter(a => a && a.email && !seen.has(a.email.toLowerCase()) && seen.add(a.email.toLowerCase()));
}

export const Composer = {
  identities: null,
  state: { draftId: null }, // the open composer's own: the draft that holds it (a new composer gets a new one)
  attachments: [],
  dirty: false,
  timer: null,
  sending: false, // a send is under way (send() ignores a second one)
  filing: Promise.resolve(), // the last filing of the message in Drafts (file() runs one after another)

  init() {
    window.addEventListener('postamt:session-lost', () => this.stash());
  },

  /**
   * The session ended while the composer was open (api.js goes to the login page): what it holds is kept in
   * this tab's sessionStorage, and {@link restore} opens it again after the login. Files picked from the
   * disk cannot be kept there; attachments already on the server (a forward's) are.
   */
  stash() {
    if (!this.isOpen()) return;
    const f = this.fields();
    sessionStorage.setItem(STASH, JSON.stringify({ to: f.to, cc: f.cc, bcc: f.bcc, from: f.from, subject: f.subject,
      text: f.body, inReplyTo: f.inReplyTo, references: f.references, draftId: this.state.draftId,
      attachments: f.attachments.filter(a => a.blobId).map(({ name, type, size, blobId, rfc822 }) => ({ name, type, size, blobId, rfc822 })),
      lostFiles: f.attachments.filter(a => a.file).map(a => a.name) }));
  },

  /** Opens the composer kept by {@link stash}, if there is one (once). */
  async restore() {
    const kept = sessionStorage.getItem(STASH);
    if (!kept) return;
    sessionStorage.removeItem(STASH);
    let o;
    try {
      o = JSON.parse(kept);
    } catch {
      return;
    }
    await this.open(o);
    this.touch(); // not saved since: the autosave takes it
    const lost = (o.lostFiles || []).length ? ` Attach again: ${o.lostFiles.join(', ')}.` : '';
    status(`Your session had ended: the message you were writing is back.${lost}`, 'ok');
  },

  isOpen() {
    return !!$('composer');
  },

  async loadIdentities() {
    if (this.identities) return this.identities;
    this.identities = [];
    if (app.jmap.canSubmit) {
      const r = await app.jmap.call([['Identity/get', { ids: null }, 'i']], ['i']);
      this.identities = r.i.error ? [] : r.i.list;
    }
    return this.identities;
  },

  signature(identityId) {
    const id = (this.identities || []).find(i => i.id === identityId);
    return id && id.textSignature ? id.textSignature.replace(/\r\n/g, '\n') : '';
  },

  compose(opts = {}) {
    return busy('', () => this.open(opts));
  },

  reply(e, all) {
    if (!e) return undefined;
    const mine = [app.jmap.address, ...(this.identities || []).map(i => i.email)];
    const first = (e.replyTo && e.replyTo.length ? e.replyTo : e.from) || [];
    const to = all ? uniqueAddresses([...first, ...(e.to || [])], mine.filter(m => !first.some(f => f.email === m))) : first;
    const cc = all ? uniqueAddresses(e.cc || [], [...mine, ...to.map(a => a.email)]) : [];
    const who = (e.from && e.from[0]) ? (e.from[0].name || e.from[0].email) : 'someone';
    const when = new Date(e.sentAt || e.receivedAt).toLocaleString();
    const quoted = quote(answeredText(e));
    const ids = e.messageId || [];
    return this.compose({
      to, cc, subject: withPrefix(e.subject, 'Re'),
      top: `On ${when}, ${who} wrote:\n${quoted}\n\n`,
      inReplyTo: ids.length ? `<${ids[0]}>` : null,
      references: [...(e.references || []), ...ids].map(r => `<${r}>`).join(' ') || null,
    });
  },

  forward(e, attached) {
    if (!e) return undefined;
    if (attached) {
      return this.compose({ subject: withPrefix(e.subject, 'Fwd'),
        attachments: [{ name: `${(e.subject || 'message').replace(/[\\/:*?"<>|]/g, '_').slice(0, 60)}.eml`,
          type: 'message/rfc822', size: e.size, blobId: e.blobId, rfc822: true }] });
    }
    const head = ['', '', '---------- Forwarded message ----------',
      `From: ${(e.from || []).map(formatAddress).join(', ')}`,
      `Date: ${new Date(e.sentAt || e.receivedAt).toUTCString()}`,
      `Subject: ${e.subject || ''}`,
      `To: ${(e.to || []).map(formatAddress).join(', ')}`, '', ''].join('\n');
    const atts = (e.attachments || []).filter(a => a.blobId)
      .map(a => ({ name: a.name || 'attachment', type: a.type, size: a.size, blobId: a.blobId }));
    return this.compose({ subject: withPrefix(e.subject, 'Fwd'), bottom: head + answeredText(e), attachments: atts, cursorTop: true });
  },

  async open(o) {
    this.keep(); // the composer open now, if any, keeps what was typed as its draft
    await this.loadIdentities();
    this.close(false);
    this.state = { draftId: o.draftId || null };
    this.attachments = o.attachments || [];
    this.inReplyTo = o.inReplyTo || null;
    this.references = o.references || null;
    const from = el('select', { id: 'c-from', 'aria-label': 'From' });
    for (const i of this.identities) {
      from.append(el('option', { value: i.id, text: formatAddress({ name: i.name, email: i.email }) }));
    }
    if (!this.identities.length) from.append(el('option', { value: '', text: app.jmap.address }));
    const own = this.identities.find(i => i.email.toLowerCase() === app.jmap.address.toLowerCase());
    if (own) from.value = own.id;
    if (o.from && [...from.options].some(x => x.value === o.from)) from.value = o.from;
    // addresses as a list (reply, forward) or as the text of the field (a composer brought back)
    const addr = (id, label, list) => el('label', { class: 'cf' }, el('span', { text: label }),
      el('input', { type: 'text', id, autocomplete: 'off', value: typeof list === 'string' ? list : (list || []).map(formatAddress).join(', ') }));
    const sig = this.signature(from.value);
    const sigBlock = sig ? `\n${SIG_SEPARATOR}\n${sig}` : '';
    const top = o.top || '';
    const text = o.text !== undefined ? o.text : top + (o.bottom ? '' : '\n') + (o.bottom || '') + sigBlock;
    const body = el('textarea', { id: 'c-body', 'aria-label': 'Message', spellcheck: 'true', value: text });
    const files = el('input', { type: 'file', id: 'c-files', multiple: true, 'aria-label': 'Attach files' });
    const form = el('form', { id: 'composer', class: 'composer', novalidate: true },
      el('h2', { text: o.subject ? o.subject : 'New message' }),
      el('label', { class: 'cf' }, el('span', { text: 'From' }), from),
      addr('c-to', 'To', o.to), addr('c-cc', 'Cc', o.cc), addr('c-bcc', 'Bcc', o.bcc || []),
      el('label', { class: 'cf' }, el('span', { text: 'Subject' }), el('input', { type: 'text', id: 'c-subject', value: o.subject || '' })),
      body,
      el('div', { class: 'c-atts' }, el('label', { class: 'attach' }, 'Attach files ', files),
        el('span', { class: 'hint', text: 'or drop them here' }), el('ul', { id: 'c-att-list' })),
      el('div', { class: 'c-tools' },
        el('button', { type: 'submit', id: 'c-send', class: 'primary', text: 'Send' }),
        el('button', { type: 'button', id: 'c-save', class: 'secondary', text: 'Save draft' }),
        el('button', { type: 'button', id: 'c-discard', class: 'secondary', text: 'Discard' }),
        el('span', { id: 'c-state', class: 'hint', role: 'status' })),
      el('p', { id: 'c-error', class: 'error', role: 'alert' }));
    $('reader').replaceChildren(form);
    ['c-to', 'c-cc', 'c-bcc'].forEach(id => attach($(id)));
    document.body.dataset.view = 'reader';
    this.renderAttachments();
    const at = o.cursorTop ? 0 : top.length;
    body.focus();
    body.setSelectionRange(at, at);
    body.scrollTop = 0;
    form.addEventListener('submit', ev => { ev.preventDefault(); this.send(); });
    form.addEventListener('input', () => this.touch());
    $('c-save').addEventListener('click', () => busy('Saving the draft', () => this.saveDraft(true)));
    $('c-discard').addEventListener('click', () => this.discard());
    files.addEventListener('change', () => { this.addFiles(files.files); files.value = ''; });
    form.addEventListener('dragover', ev => { ev.preventDefault(); form.classList.add('drop'); });
    form.addEventListener('dragleave', () => form.classList.remove('drop'));
    form.addEventListener('drop', ev => {
      ev.preventDefault();
      form.classList.remove('drop');
      if (ev.dataTransfer.files.length) this.addFiles(ev.dataTransfer.files);
    });
    from.addEventListener('change', () => this.swapSignature(sig));
  },

  swapSignature(old) {
    const body = $('c-body');
    const next = this.signature($('c-from').value);
    const oldBlock = old ? `\n${SIG_SEPARATOR}\n${old}` : '';
    const at = oldBlock ? body.value.lastIndexOf(oldBlock) : -1;
    const base = at >= 0 ? body.value.slice(0, at) : body.value;
    body.value = base + (next ? `\n${SIG_SEPARATOR}\n${next}` : '');
    $('c-from').addEventListener('change', () => this.swapSignature(next), { once: true });
  },

  touch() {
    this.dirty = true;
    $('c-state').textContent = '';
    if (!this.timer) this.timer = setTimeout(() => { this.timer = null; this.saveDraft(false).catch(() => {}); }, AUTOSAVE_MS);
  },

  addFiles(list) {
    for (const f of list) this.attachments.push({ name: f.name, type: f.type || 'application/octet-stream', size: f.size, file: f });
    this.renderAttachments();
    this.touch();
  },

  renderAttachments() {
    const ul = $('c-att-list');
    if (!ul) return;
    ul.replaceChildren(...this.attachments.map((a, i) => {
      const rm = el('button', { type: 'button', class: 'link', text: 'remove', 'aria-label': `Remove ${a.name}` });
      rm.addEventListener('click', () => { this.attachments.splice(i, 1); this.renderAttachments(); this.touch(); });
      return el('li', {}, el('span', { text: `${a.name} (${a.type}, ${formatSize(a.size || 0)}) ` }), rm);
    }));
  },

  /** What the form holds now, read at once (the form may be gone by the time the message is built). */
  fields() {
    return { to: $('c-to').value, cc: $('c-cc').value, bcc: $('c-bcc').value, from: $('c-from').value,
      subject: $('c-subject').value, body: $('c-body').value, attachments: this.attachments.slice(),
      inReplyTo: this.inReplyTo, references: this.references };
  },

  /** The message as the form says; throws with a sentence naming the field that is wrong. */
  message(forSending) {
    return this.build(this.fields(), forSending);
  },

  /** The message of {@code f} ({@link fields}); throws with a sentence naming the field that is wrong. */
  async build(f, forSending) {
    const fieldErr = (id, e) => { if ($(id)) $(id).focus(); return new Error(e.message); };
    let to; let cc; let bcc;
    try { to = parseAddresses(f.to); } catch (e) { throw fieldErr('c-to', e); }
    try { cc = parseAddresses(f.cc); } catch (e) { throw fieldErr('c-cc', e); }
    try { bcc = parseAddresses(f.bcc); } catch (e) { throw fieldErr('c-bcc', e); }
    if (forSending && !to.length && !cc.length && !bcc.length) throw fieldErr('c-to', new Error('Whom should it go to? The To field is empty.'));
    const identity = this.identities.find(i => i.id === f.from);
    const from = identity ? { name: identity.name || null, email: identity.email } : { name: null, email: app.jmap.address };
    const attachments = [];
    for (const a of f.attachments) {
      let bytes;
      if (a.file) bytes = new Uint8Array(await a.file.arrayBuffer());
      else {
        const r = await fetch(app.jmap.downloadUrl(a.blobId, a.name, a.type), { credentials: 'same-origin' });
        if (!r.ok) throw new Error(`The attachment ${a.name} could not be read (${r.status})`);
        bytes = new Uint8Array(await r.arrayBuffer());
      }
      attachments.push({ name: a.name, type: a.type, bytes, rfc822: a.rfc822 });
    }
    const bytes = build({ from, to, cc, bcc, subject: f.subject, text: f.body,
      inReplyTo: f.inReplyTo, references: f.references, attachments });
    return { bytes, identity };
  },

  /**
   * The composer is about to be replaced (another message or folder opened, a new composer): what was
   * typed since the last save is filed as its draft, from the fields as they are now, so nothing typed is
   * lost by looking elsewhere (as Roundcube's and Gmail's drafts).
   */
  keep() {
    if (!this.isOpen() || !this.dirty) return;
    const f = this.fields();
    const state = this.state;
    this.dirty = false;
    clearTimeout(this.timer);
    this.timer = null;
    this.build(f, false)
      .then(({ bytes }) => this.file(bytes, [], state))
      .then(() => status('Draft saved', 'ok'))
      .catch(e => status(`The draft could not be saved: ${e.message}`, 'error'));
  },

  /**
   * Uploads the message and files it in Drafts (replacing the previous draft); answers the import's response
   * set. One filing at a time: a send that starts while an autosave is under way waits for it and then
   * replaces the draft it made (else that draft stayed behind in Drafts after the send).
   */
  file(bytes, extra = [], state = this.state) {
    const run = () => this.fileNow(bytes, extra, state);
    const p = this.filing.then(run, run);
    this.filing = p.catch(() => {});
    return p;
  },

  async fileNow(bytes, extra, state) {
    const drafts = roleBox('drafts');
    if (!drafts) throw new Error('There is no Drafts folder to keep the message in.');
    const up = await app.jmap.upload(new Blob([bytes], { type: 'message/rfc822' }));
    const calls = [['Email/import', { emails: { m: { blobId: up.blobId, mailboxIds: { [drafts.id]: true },
      keywords: { $draft: true, $seen: true } } } }, 'i'], ...extra];
    if (state.draftId) calls.push(['Email/set', { destroy: [state.draftId] }, 'd']);
    const r = await app.jmap.call(calls, extra.map(c => c[2]).concat(['d']));
    Jmap.check(r.i);
    state.draftId = r.i.created.m.id;
    return r;
  },

  async saveDraft(loud) {
    if (!this.isOpen()) return;
    this.dirty = false;
    const state = this.state; // this composer's, should another replace it while the message is built
    const { bytes } = await this.message(false);
    await this.file(bytes, [], state);
    if (this.state === state && $('c-state')) $('c-state').textContent = `Draft saved at ${new Date().toLocaleTimeString()}`;
    if (loud) status('Draft saved', 'ok');
  },

  async send() {
    // a second click or Enter while the first send is under way would submit the message twice
    if (this.sending) return;
    this.sending = true;
    $('c-send').disabled = true;
    $('c-error').textContent = '';
    const f = this.fields(); // the form may be gone before the send ends (the user looked elsewhere)
    const state = this.state;
    this.dirty = false; // the send files the message itself: nothing for keep() to save
    const sending = busy('Sending', async () => {
      const sent = roleBox('sent');
      const drafts = roleBox('drafts');
      const { bytes, identity } = await this.build(f, true);
      if (!identity) throw new Error('Sending is not available: this server offers no identity for your address.');
      const onSuccess = { 'keywords/$draft': null };
      if (sent && drafts) {
        onSuccess[`mailboxIds/${drafts.id}`] = null;
        onSuccess[`mailboxIds/${sent.id}`] = true;
      }
      const r = await this.file(bytes, [['EmailSubmission/set', { create: { s: { identityId: identity.id, emailId: '#m' } },
        onSuccessUpdateEmail: { '#s': onSuccess } }, 's']], state);
      if (r.s.error) throw new Error(`The server did not send it: ${r.s.error.description || r.s.error.type}`);
      const notCreated = r.s.notCreated && r.s.notCreated.s;
      if (notCreated) throw new Error(`Not sent: ${notCreated.description || notCreated.type}. It is kept in Drafts.`);
      for (const v of [f.to, f.cc, f.bcc]) parseAddresses(v).forEach(a => remember(a, 3));
      state.draftId = null;
      if (this.state === state) this.close(true); // unless another composer has taken its place meanwhile
      status('Sent', 'ok');
      await loadMailboxes();
      await loadList(true);
      return true;
    });
    const ok = await sending;
    this.sending = false;
    if ($('c-send')) $('c-send').disabled = false;
    if (!ok && $('c-error')) $('c-error').textContent = $('status').textContent;
  },

  async discard() {
    const state = this.state;
    this.dirty = false; // discarded: nothing to keep
    this.close(true);
    await this.filing; // an autosave under way ends first: the draft it files is the one to remove
    const id = state.draftId;
    state.draftId = null;
    if (id) {
      await busy('Discarding the draft', async () => {
        Jmap.check(await app.jmap.one('Email/set', { destroy: [id] }));
        await loadMailboxes();
        await loadList(true);
      });
    }
  },

  close(clear) {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.isOpen() && clear) Reader.clear();
  },
};
