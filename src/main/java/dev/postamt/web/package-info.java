/**
 * HTTP: the listener for {@code [listen] http} and {@code https} ({@link dev.postamt.web.WebServer},
 * Jetty's core handler API, HTTP/1.1 and HTTP/2, virtual threads), the security headers every response
 * carries, HTTP Basic authentication with IMAP's rules ({@link dev.postamt.web.BasicAuth}), the access
 * log (logger {@code http}) and the routes, today those of JMAP (the protocol itself is in {@code
 * dev.postamt.jmap}) and {@code GET /metrics} (the meters are in {@code dev.postamt.metrics}; only the
 * clients of {@code [metrics] networks} may read them, without logging in).
 *
 * <p>Failure behaviour: a banned client gets 403, and so does a client outside {@code [metrics] networks} at {@code /metrics}; a request beyond a size limit gets 413 and the
 * connection is closed; anything that fails inside is a plain JSON 500 and the stack trace goes to
 * the log, never to the client; Jetty's own error pages are replaced. Owns nothing on disk.
 */
package dev.postamt.web;
