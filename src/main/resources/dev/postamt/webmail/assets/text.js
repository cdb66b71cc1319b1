// Plain text the way mail wants it: quote levels for reading, quoting for answers (the answered
// text only, never the signature), and format=flowed (RFC 3676) both ways.

/** RFC 3676 §4.3: the signature separator line. */
export const SIG_SEPARATOR = '-- ';

/** How many quote marks a line starts with ("> > x" and ">> x" are both 2). */
export function quoteDepth(line) {
  const m = /^(?:> ?)+/.exec(line);
  return m ? (m[0].match(/>/g) || []).length : 0;
}

/** The text without its signature: everything from the last "-- " line on is left out. */
export function stripSignature(text) {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const at = lines.lastIndexOf(SIG_SEPARATOR);
  const body = at >= 0 ? lines.slice(0, at) : lines;
  while (body.length && body[body.length - 1].trim() === '') body.pop();
  return body.join('\n');
}

/**
 * The quote of an answer: each line prefixed "> " (">" before a line already quoted, so the levels
 * stay readable), the sender's signature left out, trailing blank lines dropped.
 */
export function quote(text) {
  const body = stripSignature(text);
  if (!body.trim()) return '';
  return body.split('\n').map(l => (l.startsWith('>') ? '>' + l : l === '' ? '>' : '> ' + l)).join('\n');
}

/**
 * Decodes format=flowed (RFC 3676 §4.1–4.2): a line ending in a space continues on the next line of
 * the same quote depth; space-stuffing is undone; with delsp=yes the soft space is deleted (§4.2).
 */
export function unflow(text, delsp) {
  const out = [];
  let current = null;
  let depth = -1;
  for (const raw of text.replace(/\r\n/g, '\n').split('\n')) {
    const d = (/^>*/.exec(raw) || [''])[0].length;
    let line = raw.slice(d);
    if (line.startsWith(' ')) line = line.slice(1); // §4.4 stuffing
    const flowed = line.endsWith(' ') && line !== SIG_SEPARATOR;
    if (current !== null && d === depth) {
      current += line;
    } else {
      if (current !== null) out.push(prefix(depth) + current);
      current = line;
      depth = d;
    }
    if (flowed) {
      if (delsp) current = current.slice(0, -1);
    } else {
      out.push(prefix(depth) + current);
      current = null;
      depth = -1;
    }
  }
  if (current !== null) out.push(prefix(depth) + current);
  return out.join('\n');
}

function prefix(depth) {
  return depth > 0 ? '>'.repeat(depth) + ' ' : '';
}

/**
 * Encodes text as format=flowed (RFC 3676 §4.2, DelSp=No): long lines are broken after a space at
 * most 78 characters in, the space staying at the end as the soft break; quoted lines keep their
 * marks on every piece; trailing spaces of hard line ends are removed; lines starting with a space
 * or "From " are space-stuffed (§4.4); the signature separator stays as it is (§4.3).
 */
export function flow(text, width = 78) {
  const out = [];
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    if (line === SIG_SEPARATOR) {
      out.push(line);
      continue;
    }
    const m = /^>+/.exec(line);
    const marks = m ? m[0] : '';
    let rest = line.slice(marks.length);
    if (marks && rest.startsWith(' ')) rest = rest.slice(1);
    rest = rest.replace(/ +$/, '');
    if (marks && !rest) {
      out.push(marks); // "> " would be a soft break (§4.2); an empty quoted line is its marks alone
      continue;
    }
    const lead = marks ? marks + ' ' : '';
    const room = Math.max(20, width - lead.length);
    while (rest.length > room) {
      let cut = rest.lastIndexOf(' ', room);
      if (cut <= 0) cut = rest.indexOf(' ', room);
      if (cut <= 0) break;
      out.push(lead + stuff(rest.slice(0, cut + 1), marks));
      rest = rest.slice(cut + 1);
    }
    out.push(lead + stuff(rest, marks));
  }
  return out.join('\r\n');
}

function stuff(s, marks) {
  return !marks && (s.startsWith(' ') || s.startsWith('From ') || s.startsWith('>')) ? ' ' + s : s;
}

/** The text of an HTML body, for quoting: parsed inert (no scripts, no loads), block ends as line breaks. */
export function htmlToText(html) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  doc.querySelectorAll('script,style,head,title').forEach(e => e.remove());
  doc.querySelectorAll('br').forEach(e => e.replaceWith('\n'));
  doc.querySelectorAll('p,div,li,tr,h1,h2,h3,h4,h5,h6,blockquote,pre').forEach(e => e.append('\n'));
  return (doc.body ? doc.body.textContent : '').replace(/\n{3,}/g, '\n\n').trim();
}

const URL_RE = /\b(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])/g;

/** Plain text as DOM: one block per run of lines of the same quote depth, links made clickable. */
export function renderPlain(text, doc = document) {
  const frag = doc.createDocumentFragment();
  let block = null;
  let depth = -1;
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const d = quoteDepth(line);
    if (d !== depth) {
      block = doc.createElement('div');
      block.className = d ? `quote q${((d - 1) % 4) + 1}` : 'unquoted';
      frag.append(block);
      depth = d;
    }
    appendLinked(block, line + '\n', doc);
  }
  return frag;
}

function appendLinked(el, text, doc) {
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    el.append(text.slice(last, m.index));
    const a = doc.createElement('a');
    a.href = m[1];
    a.textContent = m[1];
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
    el.append(a);
    last = m.index + m[1].length;
  }
  el.append(text.slice(last));
}
