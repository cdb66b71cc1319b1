// Builds the message the composer sends or saves, as RFC 5322 + MIME bytes: header fields with
// RFC 2047 encoded words, a text/plain; format=flowed body (RFC 3676) in quoted-printable, and
// attachments in base64 (RFC 2045) or as message/rfc822 (RFC 2046 §5.2.1). It is uploaded and
// filed with Email/import, so the format=flowed parameter reaches the wire as we wrote it.
import { flow } from './text.js';

const enc = new TextEncoder();
const CRLF = '\r\n';

function isAscii(s) {
  return /^[\x20-\x7e]*$/.test(s);
}

function b64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** RFC 2047 §4.1 B-encoded words of at most 75 characters, split between characters. */
export function encodeWords(text) {
  if (isAscii(text)) return text;
  const words = [];
  let chunk = '';
  for (const ch of text) {
    if (enc.encode(chunk + ch).length > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map(w => `=?UTF-8?B?${b64(enc.encode(w))}?=`).join(' ');
}

/** A mailbox (RFC 5322 §3.4): the name quoted or encoded as needed. */
export function mailbox(a) {
  if (!a.name) return a.email;
  const name = isAscii(a.name)
    ? (/^[\w !#$%&'*+\-/=?^`{|}~]*$/.test(a.name) ? a.name : `"${a.name.replace(/(["\\])/g, '\\$1')}"`)
    : encodeWords(a.name);
  return `${name} <${a.email}>`;
}

/**
 * Parses what a user typed in an address field ("Ann <a@x>, b@y") into {name, email} objects;
 * throws with the part that is not an address.
 */
export function parseAddresses(s) {
  const out = [];
  for (const raw of s.split(/[,;](?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const t = raw.trim();
    if (!t) continue;
    const m = /^(?:"?([^"<]*?)"?\s*)?<([^<>\s]+@[^<>\s]+)>$/.exec(t) || /^()([^<>\s"]+@[^<>\s"]+)$/.exec(t);
    if (!m || !/^[^@\s]+@[^@\s]+\.[^@\s]+$|^[^@\s]+@[^@\s]+$/.test(m[2])) throw new Error(`Not an e-mail address: ${t}`);
    out.push({ name: (m[1] || '').trim() || null, email: m[2] });
  }
  return out;
}

/** Folds a header field at spaces so no line is longer than 78 characters (RFC 5322 §2.2.3). */
function field(name, value) {
  const words = `${name}: ${value}`.split(' ');
  const lines = [];
  let cur = '';
  for (const w of words) {
    if (cur && (cur + ' ' + w).length > 76) {
      lines.push(cur);
      cur = ' ' + w;
    } else {
      cur = cur ? cur + ' ' + w : w;
    }
  }
  lines.push(cur);
  return lines.join(CRLF) + CRLF;
}

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text whose lines end in CRLF; trailing spaces kept as =20. */
export function quotedPrintable(text) {
  const out = [];
  for (const line of text.split(CRLF)) {
    const bytes = enc.encode(line);
    let cur = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      const last = i === bytes.length - 1;
      let t;
      if ((b === 0x20 || b === 0x09) && last) t = b === 0x20 ? '=20' : '=09';
      else if ((b >= 33 && b <= 126 && b !== 61) || b === 0x20 || b === 0x09) t = String.fromCharCode(b);
      else t = '=' + b.toString(16).toUpperCase().padStart(2, '0');
      if (cur.length + t.length > 75) {
        out.push(cur + '=');
        cur = '';
      }
      cur += t;
    }
    out.push(cur);
  }
  return out.join(CRLF);
}

function boundary() {
  const r = crypto.getRandomValues(new Uint8Array(12));
  return '=_postamt_' + [...r].map(x => x.toString(16).padStart(2, '0')).join('');
}

/** RFC 2231 filename parameter when the name is not plain ASCII. */
function param(name, value) {
  if (isAscii(value) && !/["\\]/.test(value)) return `${name}="${value}"`;
  return `${name}*=UTF-8''${encodeURIComponent(value).replace(/['()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase())}`;
}

function concat(parts) {
  const chunks = parts.map(p => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function base64Lines(bytes) {
  return b64(bytes).replace(/.{76}/g, '$&' + CRLF);
}

/**
 * The whole message as bytes.
 * @param m {from, to, cc, bcc, subject, text, inReplyTo, references, attachments: [{name, type, bytes, rfc822}]}
 */
export function build(m) {
  const domain = (m.from.email.split('@')[1] || 'localhost').replace(/[^A-Za-z0-9.-]/g, '');
  const id = crypto.getRandomValues(new Uint32Array(3)).join('.');
  let h = '';
  h += field('Date', new Date().toUTCString().replace(/GMT$/, '+0000'));
  h += field('From', mailbox(m.from));
  if (m.to.length) h += field('To', m.to.map(mailbox).join(', '));
  if (m.cc.length) h += field('Cc', m.cc.map(mailbox).join(', '));
  if (m.bcc.length) h += field('Bcc', m.bcc.map(mailbox).join(', '));
  h += field('Subject', encodeWords(m.subject || ''));
  h += field('Message-ID', `<${id}.${Date.now().toString(36)}@${domain}>`);
  if (m.inReplyTo) h += field('In-Reply-To', m.inReplyTo);
  if (m.references) h += field('References', m.references);
  h += 'MIME-Version: 1.0' + CRLF;
  h += 'User-Agent: Postamt webmail' + CRLF;
  const textPart = 'Content-Type: text/plain; charset=utf-8; format=flowed' + CRLF
    + 'Content-Transfer-Encoding: quoted-printable' + CRLF + CRLF + quotedPrintable(flow(m.text)) + CRLF;
  if (!m.attachments.length) return enc.encode(h + textPart);
  const b = boundary();
  const parts = [h, `Content-Type: multipart/mixed; boundary="${b}"` + CRLF + CRLF,
    'This is a message in MIME format.' + CRLF, `--${b}` + CRLF, textPart];
  for (const a of m.attachments) {
    parts.push(`--${b}` + CRLF);
    if (a.rfc822) {
      // RFC 2046 §5.2.1: message/rfc822 is never base64; 8bit keeps it as it was
      parts.push(`Content-Type: message/rfc822; ${param('name', a.name)}` + CRLF
        + `Content-Disposition: attachment; ${param('filename', a.name)}` + CRLF
        + 'Content-Transfer-Encoding: 8bit' + CRLF + CRLF, a.bytes, CRLF);
    } else {
      const type = /^[\w.+-]+\/[\w.+-]+$/.test(a.type || '') ? a.type : 'application/octet-stream';
      parts.push(`Content-Type: ${type}; ${param('name', a.name)}` + CRLF
        + `Content-Disposition: attachment; ${param('filename', a.name)}` + CRLF
        + 'Content-Transfer-Encoding: base64' + CRLF + CRLF + base64Lines(a.bytes) + CRLF);
    }
  }
  parts.push(`--${b}--` + CRLF);
  return concat(parts);
}
