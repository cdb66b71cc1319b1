// The webmail's only way to the server's data: JMAP (RFC 8620 core, RFC 8621 mail, RFC 8621 §7
// submission) over the browser session. The session cookie authenticates; every POST carries the
// session's CSRF token in X-CSRF-Token, read once from /login/session.

const CORE = 'urn:ietf:params:jmap:core';
const MAIL = 'urn:ietf:params:jmap:mail';
const SUBMISSION = 'urn:ietf:params:jmap:submission';

/** A JMAP error the user should read: the method's error type and description. */
/**
 * The session has ended (logged out elsewhere, expired, the server's sessions ended): the page tells
 * whoever listens for 'postamt:session-lost' (the composer keeps what was being written) and goes to
 * the login page, which comes back here.
 */
function sessionLost() {
  window.dispatchEvent(new Event('postamt:session-lost'));
  location.assign('/login?next=/mail/');
}

export class JmapError extends Error {
  constructor(type, description) {
    super(description ? `${description} (${type})` : type);
    this.type = type;
  }
}

export class Jmap {
  constructor(who, session) {
    this.address = who.address;
    this.csrf = who.csrf;
    this.admin = who.admin;
    this.session = session;
    this.accountId = session.primaryAccounts[MAIL];
    this.canSubmit = SUBMISSION in (session.capabilities || {});
  }

  /** Logs the page in to JMAP; on a lost session, back to the login page. */
  static async connect() {
    const w = await fetch('/login/session', { credentials: 'same-origin', cache: 'no-store' });
    if (w.status === 401) {
      sessionLost();
      throw new JmapError('notLoggedIn', 'Not logged in');
    }
    const who = await w.json();
    const s = await fetch('/jmap/session', { credentials: 'same-origin', cache: 'no-store' });
    if (!s.ok) {
      throw new JmapError('serverFail', `The mail server did not answer (${s.status})`);
    }
    return new Jmap(who, await s.json());
  }

  /**
   * Sends method calls [[name, args, id], …]; answers the responses by call id. A method error
   * throws unless its call id is listed in `tolerate`.
   */
  async call(calls, tolerate = []) {
    const using = [CORE, MAIL];
    if (calls.some(c => /^(Identity|EmailSubmission)\//.test(c[0]))) {
      using.push(SUBMISSION);
    }
    for (const c of calls) {
      if (c[1].accountId === undefined) c[1].accountId = this.accountId;
    }
    const r = await fetch('/jmap/api', {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': this.csrf },
      body: JSON.stringify({ using, methodCalls: calls }),
    });
    if (r.status === 401) {
      sessionLost();
      throw new JmapError('notLoggedIn', 'Your session has ended');
    }
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      throw new JmapError(body.type || 'serverFail', body.detail || `The server answered ${r.status}`);
    }
    const out = {};
    for (const [name, args, id] of body.methodResponses) {
      if (name === 'error' && !tolerate.includes(id)) {
        throw new JmapError(args.type, args.description);
      }
      out[id] = name === 'error' ? { error: args } : args;
    }
    return out;
  }

  /** One call; its response arguments. */
  async one(name, args) {
    return (await this.call([[name, args, '0']]))['0'];
  }

  /** Throws the first SetError of a /set response, if any (RFC 8620 §5.3). */
  static check(setResponse) {
    for (const kind of ['notCreated', 'notUpdated', 'notDestroyed']) {
      const errs = setResponse[kind];
      if (errs) {
        const first = Object.values(errs)[0];
        if (first) throw new JmapError(first.type, first.description);
      }
    }
    return setResponse;
  }

  /** RFC 8620 §6.2 download URL (same origin: relative). */
  downloadUrl(blobId, name, type) {
    const n = encodeURIComponent(name || 'attachment');
    const t = type ? `?type=${encodeURIComponent(type)}` : '';
    return `/jmap/download/${encodeURIComponent(this.accountId)}/${encodeURIComponent(blobId)}/${n}${t}`;
  }

  /** RFC 8620 §6.1 upload; answers {blobId, type, size}. */
  async upload(file) {
    const r = await fetch(`/jmap/upload/${encodeURIComponent(this.accountId)}/`, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-CSRF-Token': this.csrf },
      body: file,
    });
    if (r.status === 401) {
      sessionLost();
      throw new JmapError('notLoggedIn', 'Your session has ended');
    }
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new JmapError('uploadFailed', body.detail || `The upload failed (${r.status})`);
    return body;
  }

  /** RFC 8620 §7.3 push: calls onChange(stateChange) for every state event; reconnects by itself. */
  listen(onChange) {
    const es = new EventSource('/jmap/eventsource?types=*&closeafter=no&ping=60', { withCredentials: true });
    es.addEventListener('state', e => {
      try {
        onChange(JSON.parse(e.data));
      } catch (err) {
        console.warn('push:', err);
      }
    });
    return es;
  }
}
