/**
 * The mail delivery agent's filtering: Sieve at local delivery, as Dovecot's LDA/LMTP with Pigeonhole.
 * {@link dev.postamt.mda.ScriptSequence} says which scripts run for a user ({@code [sieve] before}, the
 * user's active script or the default Junk rule, {@code [sieve] after}) and keeps them compiled;
 * {@link dev.postamt.mda.SieveFilter} runs the sequence over the message, parsed once;
 * {@link dev.postamt.mda.SieveDelivery} carries out the actions: copies into the mail store (folders,
 * flags, header edits), and through {@link dev.postamt.mda.Outbox} into the queue: redirected copies
 * (envelope sender rewritten), vacation replies, rejection notices, notifications. The language composes
 * all of these ({@code sieve.ext.Redirects}, {@code VacationReply}, {@code RejectNotice}, {@code Mailto}),
 * so delivery sends what {@code sieve test} and the Pigeonhole suite see; delivery adds the spool ids,
 * SRS, the null envelope sender and DKIM signing. A user's vacation response ({@code
 * sieve.store.Vacations}, set over JMAP or the self-service page) runs as a generated Sieve {@code
 * vacation} script before the user's own ({@code VacationScript}).
 *
 * <p>Failure behaviour: never lose mail. A script that does not compile, fails at run time or exceeds a
 * limit keeps the message in INBOX; the error is logged ({@code sieve: user=... script=... line=...:})
 * and recorded for the user's {@code sieve list}. A store or queue failure is a temporary failure (the
 * queue retries); every copy and every queued message has an id derived from the delivery, so a retry
 * does nothing twice.
 *
 * <p>On disk, under {@code data_dir/sieve/}: {@code vacation.db} (whom each user's vacation answered, per
 * handle, RFC 5230 §4.2) and {@code duplicate.db} (the unique ids RFC 7352's duplicate test saw), both
 * SQLite and owned by {@link dev.postamt.mda.SeenLog}.
 */
package dev.postamt.mda;
