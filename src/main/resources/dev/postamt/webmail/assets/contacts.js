// Address completion from past correspondents, without an address book: the recipients of the
// newest messages in Sent and the senders of the newest received mail, read once per page with
// Email/query + Email/get (and added to as lists load and mail is sent), kept in memory only.
// People written to count more than people heard from. The address fields take several
// addresses, so the suggestions are for the part after the last comma.
import { app, el, roleBox } from './app.js';

const SCAN = 300; // newest messages read per side
const SHOWN = 8;
const people = new Map(); // lower-case address -> { name, email, score }
let loaded = null;

/** Counts one address seen in mail; `weight` 3 for a recipient of ours, 1 for a sender. */
export function remember(a, weight = 1) {
  if (!a || !a.email || !a.email.includes('@')) return;
  const key = a.email.toLowerCase();
  if (app.jmap && key === app.jmap.address.toLowerCase()) return;
  const p = people.get(key) || { name: null, email: a.email, score: 0 };
  if (a.name && !p.name) p.name = a.name;
  p.score += weight;
  people.set(key, p);
}

/** Reads the correspondents of Sent and of received mail once; later calls wait for the same read. */
export function loadContacts() {
  if (!loaded) loaded = readContacts().catch(e => { loaded = null; console.warn('contacts:', e); });
  return loaded;
}

async function readContacts() {
  const sent = roleBox('sent');
  const notReceived = ['sent', 'drafts', 'junk', 'trash'].map(roleBox).filter(Boolean).map(m => m.id);
  const newest = [{ property: 'receivedAt', isAscending: false }];
  const calls = [
    ['Email/query', { filter: { inMailboxOtherThan: notReceived }, sort: newest, limit: SCAN }, 'rq'],
    ['Email/get', { '#ids': { resultOf: 'rq', name: 'Email/query', path: '/ids' }, properties: ['from', 'replyTo'] }, 'rg'],
  ];
  if (sent) {
    calls.push(['Email/query', { filter: { inMailbox: sent.id }, sort: newest, limit: SCAN }, 'sq'],
      ['Email/get', { '#ids': { resultOf: 'sq', name: 'Email/query', path: '/ids' }, properties: ['to', 'cc', 'bcc'] }, 'sg']);
  }
  const r = await app.jmap.call(calls);
  for (const e of r.rg.list) for (const a of [...(e.from || []), ...(e.replyTo || [])]) remember(a, 1);
  if (r.sg) for (const e of r.sg.list) for (const a of [...(e.to || []), ...(e.cc || []), ...(e.bcc || [])]) remember(a, 3);
}

/** The best matches for what was typed: addresses or names starting with it first, then containing it. */
export function suggest(typed) {
  const t = typed.trim().toLowerCase();
  if (!t) return [];
  const hits = [];
  for (const p of people.values()) {
    const e = p.email.toLowerCase();
    const n = (p.name || '').toLowerCase();
    const starts = e.startsWith(t) || n.startsWith(t) || n.split(/\s+/).some(w => w.startsWith(t));
    if (starts || e.includes(t) || n.includes(t)) hits.push({ p, rank: (starts ? 1000000 : 0) + p.score });
  }
  return hits.sort((a, b) => b.rank - a.rank).slice(0, SHOWN).map(h => h.p);
}

/** How a suggestion goes into the field: a name with a comma or quote marks is quoted. */
export function asText(p) {
  if (!p.name) return p.email;
  const name = p.name.replace(/["\\<>]/g, '');
  return /[,;:@()[\]]/.test(name) ? `"${name}" <${p.email}>` : `${name} <${p.email}>`;
}

/** Adds the suggestion list to an address input (the input sits in a positioned label). */
export function attach(input) {
  const list = el('ul', { class: 'suggest', role: 'listbox', id: `${input.id}-suggest`, hidden: true });
  input.after(list);
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', list.id);
  let items = [];
  let active = 0;
  const close = () => { list.hidden = true; items = []; };
  const draw = () => {
    list.replaceChildren(...items.map((p, i) => {
      const li = el('li', { role: 'option', class: i === active ? 'active' : '', 'aria-selected': i === active ? 'true' : 'false',
        text: asText(p) });
      li.addEventListener('mousedown', ev => { ev.preventDefault(); choose(i); });
      return li;
    }));
    list.hidden = !items.length;
  };
  const choose = i => {
    const cut = input.value.lastIndexOf(',') + 1;
    const head = input.value.slice(0, cut).trimEnd();
    input.value = `${head ? head + ' ' : ''}${asText(items[i])}, `;
    close();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.focus();
  };
  const update = () => {
    const typed = input.value.slice(input.value.lastIndexOf(',') + 1);
    items = suggest(typed);
    active = 0;
    draw();
  };
  input.addEventListener('input', ev => { if (ev.isTrusted) update(); }); // not our own event after choosing
  // the correspondents may arrive after the first letters were typed
  loadContacts().then(() => { if (document.activeElement === input && input.value) update(); });
  input.addEventListener('keydown', ev => {
    if (list.hidden) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      active = (active + (ev.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      draw();
    } else if (ev.key === 'Enter' || ev.key === 'Tab') {
      ev.preventDefault(); // Enter would send the form
      choose(active);
    } else if (ev.key === 'Escape') {
      ev.stopPropagation();
      close();
    }
  });
  input.addEventListener('blur', close);
}
