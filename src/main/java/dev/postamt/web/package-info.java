/**
 * HTTP: the listener for {@code [listen] http} and {@code https} ({@link dev.postamt.web.WebServer},
 * Jetty's core handler API, HTTP/1.1 and HTTP/2, virtual threads), the security headers every response
 * carries, who a request comes from ({@link dev.postamt.web.WebAuth}: the browser login's signed
 * session cookie, HTTP Basic with IMAP's rules ({@link dev.postamt.web.BasicAuth}), bearer tokens),
 * the access log (logger {@code http}) and the routes: JMAP (the protocol itself is in {@code
 * dev.postamt.jmap}), {@code GET /metrics} (the meters are in {@code dev.postamt.metrics}; only the
 * clients of {@code [metrics] networks} may read them, without logging in), {@code /login} and {@code
 * /logout} ({@link dev.postamt.web.LoginApp}), {@code /static/}, and the {@link dev.postamt.web.WebApp}s
 * mounted under their prefixes (console, self-service, webmail), which get an {@link
 * dev.postamt.web.Exchange} with the principal, CSRF-checked forms and the page layout ({@link
 * dev.postamt.web.Html}).
 *
 * <p>Failure behaviour: a banned client gets 403, and so does a client outside {@code [metrics] networks} at {@code /metrics}; a request beyond a size limit gets 413 and the
 * connection is closed; a form without the session's CSRF token or from another origin gets 403;
 * anything that fails inside is a plain 500 and the stack trace goes to the log, never to the client;
 * Jetty's own error pages are replaced. Owns {@code data_dir/web/cookie.key} (the cookie signing key);
 * sessions and tokens belong to {@code dev.postamt.web.session}.
 */
package dev.postamt.web;
