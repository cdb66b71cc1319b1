/**
 * White- and blacklists for the content scan, SpamAssassin-style ({@code whitelist_from}, {@code
 * whitelist_to}, {@code blacklist_from}, {@code all_spam_to}, {@code more_spam_to}), global and per user,
 * and the automatic whitelist of addresses a user has written to. {@link dev.postamt.filter.lists.SpamLists}
 * is the check and the API; a whitelist only counts for a From domain that our DKIM or SPF result
 * authenticates.
 *
 * <p>On disk: {@code data_dir/spamlists.db} (SQLite, owned by {@link
 * dev.postamt.filter.lists.SqliteSpamLists}, the only class with its SQL): the entries added with {@code
 * postamt spam lists add} and the remembered recipients. The config's entries are not copied into it.
 * With {@code [database] url = "postgresql://…"} the nodes share tables {@code spamlist_entry} and {@code
 * spamlist_written} instead ({@link dev.postamt.filter.lists.PgSpamLists}).
 *
 * <p>Failure behaviour: a store that cannot be read is logged and the scan goes on with the config's
 * entries (a whitelist that is missing for a while changes a score, never loses mail); a malformed
 * pattern in the config is left out with a warning.
 */
package dev.postamt.filter.lists;
