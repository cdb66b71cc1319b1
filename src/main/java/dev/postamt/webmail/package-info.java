/**
 * The webmail at {@code /mail/}: a single-page app of plain ES modules (no build step, no framework)
 * whose every mail, folder and change comes from the server's JMAP API, authenticated by the browser
 * session cookie with the session's CSRF token on every POST ({@link dev.postamt.webmail.WebmailApp}).
 * The Java side serves only the starting page ({@code Shell}), the app's files under a content hash
 * with a year's cache lifetime, gzipped once in memory ({@code Assets}), and {@code /mail/render/},
 * which makes a mail's HTML part safe with jsoup's allow-list cleaner ({@link
 * dev.postamt.webmail.HtmlSanitizer}) and serves it with a script-less, sandboxed CSP for the reader's
 * sandboxed frame; {@code cid:} images there become {@code data:} URLs of the same message's inline parts
 * ({@code InlineImages}, RFC 2392). Messages are sent by building them in the browser (format=flowed, RFC 3676),
 * uploading them, filing them in Drafts with {@code Email/import} and submitting them with {@code
 * EmailSubmission/set}, which files the sent copy in Sent.
 *
 * <p>Failure behaviour: a missing or foreign blob is 404; an HTML part over 8 MiB is not rendered (the
 * download is offered); an unknown charset is read as UTF-8 (wrong letters at worst, never markup);
 * inline images beyond 10 MiB, or of a message over 40 MiB, stay blank; nothing here changes mail —
 * every change goes through JMAP (the spam buttons' training happens in JMAP, {@link
 * dev.postamt.jmap.JunkTraining}). No state on disk; the only browser state is the list of senders whose
 * remote images the user allowed (local storage); the correspondents for address completion are kept in
 * the page's memory only.
 */
package dev.postamt.webmail;
