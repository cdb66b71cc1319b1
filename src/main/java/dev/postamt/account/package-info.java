/**
 * Self-service: the pages at {@code /account/} where every user looks after their own account —
 * the overview (quota, spam training, sessions), the password, app passwords for mail programs, API
 * tokens for JMAP, the TOTP second factor of the web login (RFC 6238), the vacation reply, the
 * accounts at other providers the server collects from ({@code collect}), and the Sieve filters (a
 * rule builder that writes a readable script, and a raw editor that shows compile errors as {@code
 * LINE:COLUMN: message}). Served as a {@link dev.postamt.web.WebApp} by {@link
 * dev.postamt.account.AccountApp}; server-rendered forms, no script.
 *
 * <p>Whose account: always the session's principal; no page takes an address from the request. Every
 * change is a POST that carries the session's CSRF token ({@link dev.postamt.web.Exchange#form}).
 *
 * <p>Failure behaviour: bad input is answered with the form again and a message next to the field
 * (status 400), nothing changed; a database that cannot be read or written gives a 503 page saying
 * nothing was changed (details in the log, never in the browser). A Sieve script that does not compile
 * is never stored, so delivery never meets one from here; should delivery fail on a script anyway it
 * keeps the message in the inbox. This package owns no state: it goes through {@link
 * dev.postamt.directory.Directory}, {@link dev.postamt.web.session.WebSessions}, {@link
 * dev.postamt.sieve.store.SieveScripts}, {@link dev.postamt.sieve.store.Vacations}, {@link
 * dev.postamt.collect.CollectService} and {@link dev.postamt.admin.Admin}.
 */
package dev.postamt.account;
