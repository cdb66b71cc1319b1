/**
 * The admin console at {@code /admin/} ({@link dev.postamt.console.ConsoleApp}): server-rendered pages
 * with plain forms, no script. A dashboard, domains with the DNS records they need, users (quota and
 * usage, password reset, disable, administrator role), aliases, DKIM keys, the queue, the quarantine, a
 * per-message view, and for global administrators bans and the greylist. Every operation is one call of
 * {@link dev.postamt.admin.Admin}, the service the {@code postamt} CLI uses; nothing here touches a
 * store.
 *
 * <p>Who sees what: global administrators everything; a domain administrator only the users, aliases,
 * keys, queued and held messages of their domains (a message concerns the domains of its sender and
 * recipients). That is checked on the server for every request, GET and POST, against the roles read
 * from the directory at that request; an id from another domain gets the same 404 as an unknown one.
 * Every POST carries the session's CSRF token and comes from our origin ({@link
 * dev.postamt.web.Exchange#form}), or it is refused with 403 and changes nothing.
 *
 * <p>Failure behaviour: a refused operation ({@link dev.postamt.admin.AdminException}) or a bad field
 * shows its page again with the one-line reason next to the field (400); anything unexpected is the web
 * layer's plain 500 page, its stack trace in the log only. The console owns no state but a one-time
 * notice per session, in memory.
 */
package dev.postamt.console;
