/**
 * Where a message for one envelope recipient goes: {@link dev.postamt.routing.Router#resolve} decides
 * whether the domain is local and expands the address into final
 * {@link dev.postamt.routing.Destination}s, and {@link dev.postamt.routing.Router#mayUseSender} applies
 * the same tables backwards for sender-login checks on submission.
 *
 * <p>Sources, in the order they are consulted for a local address: directory aliases (Postfix
 * {@code virtual_alias_maps}), the {@code aliases_file} (Postfix/Sendmail {@code aliases(5)} syntax with
 * {@code |command}, {@code /file}, {@code :include:} and backslash-user targets), the user's mailbox
 * with its {@code .forward}, and the domain's catch-all alias. {@code postmaster} at every local
 * domain and at the hostname (and bare) is local even with none of these (RFC 5321 §4.5.1): it then
 * goes to {@code queue.postmaster}, or to the first user ({@link
 * dev.postamt.routing.Router#postmasterTarget}).
 *
 * <h2>On disk</h2>
 *
 * Nothing of its own. It reads {@code aliases_file} (re-parsed when its mtime or size changes),
 * {@code :include:} files (on every use) and {@code data_dir/mail/<domain>/<local>/.forward} (on every
 * use; see {@link dev.postamt.store.UserHome#of}).
 *
 * <h2>Failure behaviour</h2>
 *
 * A database error, an unreadable aliases or include file, or an expansion past the depth or width
 * limits gives {@link dev.postamt.routing.Resolution.TempFail}: the mail waits and is retried, as Postfix
 * defers on table lookup errors. Malformed lines in the aliases file and malformed targets anywhere are
 * logged with their file and line and skipped. Loops are broken per branch; an address left with no
 * destination at all is {@link dev.postamt.routing.Resolution.Unknown}. A {@code .forward} whose targets
 * are all skipped (commands not allowed, unknown addresses) leaves the mail in the mailbox rather than
 * drop it.
 */
package dev.postamt.routing;
