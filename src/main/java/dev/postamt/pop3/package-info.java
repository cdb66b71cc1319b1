/**
 * The POP3 server: RFC 1939 with CAPA (RFC 2449), STLS and POP3S (RFC 2595, RFC 8314), AUTH PLAIN and
 * SCRAM-SHA-256 (RFC 5034, RFC 7677), UIDL, TOP, and the response codes of RFC 2449 §8 and RFC 3206 ({@code [IN-USE]}, {@code
 * [AUTH]}, {@code [SYS/TEMP]}, {@code [SYS/PERM]}). APOP is not offered: it needs reversible passwords.
 *
 * <p>Shape: {@link dev.postamt.pop3.Pop3Server} is the listeners' handler; {@link
 * dev.postamt.pop3.Pop3Session} runs one connection against the {@link dev.postamt.pop3.Pop3Command}
 * table; {@link dev.postamt.pop3.Maildrop} is the user's INBOX as the session sees it; {@link
 * dev.postamt.pop3.MessageEncoder} turns message files into CRLF, byte-stuffed wire form and computes
 * the sizes LIST reports from the same code.
 *
 * <p>Semantics: the maildrop is the INBOX of the user's {@link dev.postamt.store.MailStore}, locked per
 * user for the session ({@link dev.postamt.pop3.MaildropLocks}: in the process, and with {@code [database] url}
 * also in PostgreSQL, so that the lock holds across the nodes); message numbers are fixed at login;
 * DELE and RETR only mark, and QUIT applies the marks (UPDATE state): retrieved messages get {@code
 * \Seen}, deleted ones are expunged from the store, so IMAP sees the same. RSET clears both marks.
 * UIDLs are the store's UID and UIDVALIDITY as 16 hex digits (Dovecot's default form).
 *
 * <p>Failure behaviour: every bad command gets a {@code -ERR} with the reason and is counted; the
 * session ends after {@code limits.errors} of them, after {@code limits.auth_failures} failed logins
 * (and an address over {@code limits.auth_failures_per_ip}, shared with SMTP, is not let in), or
 * after the idle timer (never under 10 minutes in production) or a command line that does not arrive
 * whole within {@code limits.command_deadline}, each time with a last {@code -ERR}. Lines, AUTH
 * responses included, are bounded (8 KiB) before and after login.
 * A session that ends without QUIT changes nothing in the store. Store errors become {@code -ERR
 * [SYS/TEMP]} and are logged.
 *
 * <p>On disk: {@code <home>/pop3-sizes} caches each INBOX message's exact wire size (CRLF line ends)
 * by Maildir base name; it may be deleted at any time.
 */
package dev.postamt.pop3;
