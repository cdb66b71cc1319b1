/**
 * Who is logged in to the web: browser sessions and API bearer tokens ({@link
 * dev.postamt.web.session.WebSessions}, stored by {@link dev.postamt.web.session.SqliteWebSessions} in
 * {@code data_dir/web/sessions.db}). Only hashes of secrets are kept.
 *
 * <p>Failure behaviour: a database error is an {@code IOException} the caller answers with 503; a
 * session that cannot be found is simply not logged in.
 */
package dev.postamt.web.session;
