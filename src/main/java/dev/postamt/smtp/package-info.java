/**
 * The SMTP server (RFC 5321) for the MX port and the submission ports, with PIPELINING (RFC 2920),
 * SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531), ENHANCEDSTATUSCODES (RFC 2034/3463),
 * CHUNKING (RFC 3030), DSN parameters (RFC 3461), STARTTLS (RFC 3207) and AUTH PLAIN/LOGIN (RFC 4954,
 * only under TLS).
 *
 * <p>A session is explicit state plus a command table ({@link dev.postamt.smtp.SmtpCommand}); every
 * failure is an {@link dev.postamt.smtp.SmtpException} carrying its reply, caught in one place, counted
 * against {@code limits.errors}. The client never sees a stack trace. Relay control follows Postfix's
 * {@code permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination}. A message is
 * acknowledged with 250 only after {@link dev.postamt.queue.DurableSpool} has made it durable. DATA
 * refuses bare CR or LF (SMTP smuggling); STARTTLS discards pipelined plaintext (CVE-2011-0411).
 * Command lines are bounded by {@code limits.line_length}, AUTH responses by 12 KiB ({@link
 * dev.postamt.smtp.Sasl#MAX_RESPONSE}), and every command and message data line must arrive whole
 * within {@code limits.command_deadline} ({@code 421 4.4.2} otherwise).
 */
package dev.postamt.smtp;
