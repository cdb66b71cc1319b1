/**
 * The outbound SMTP and LMTP client (RFC 5321, RFC 2033): one {@link dev.postamt.smtp.client.SmtpClient}
 * per connection, speaking EHLO (HELO as fallback) or LHLO, opportunistic STARTTLS (RFC 3207; any
 * certificate is accepted, like Postfix's {@code smtp_tls_security_level = may}), AUTH PLAIN/LOGIN
 * (RFC 4954) only over TLS, PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME, SMTPUTF8 and DSN
 * (RFC 3461) parameters. Message data goes out dot-stuffed with every line end written as CRLF: a
 * bare CR or LF in a stored message cannot end the data early at the next hop (SMTP smuggling).
 *
 * <p>Failure behaviour: network trouble, time-outs (RFC 5321 §4.5.3.2) and protocol violations are
 * {@link java.io.IOException}s; the caller decides whether to try the next host. Replies, good or
 * bad, come back as {@link dev.postamt.smtp.client.ClientReply} values. The client never decides about
 * retries or bounces; that is the queue's job. It owns no files.
 */
package dev.postamt.smtp.client;
