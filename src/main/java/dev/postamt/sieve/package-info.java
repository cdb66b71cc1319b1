/**
 * Sieve (RFC 5228 and its extensions): the mail filtering language users write to sort, flag, forward,
 * reject and answer their incoming mail, as Pigeonhole does for Dovecot.
 *
 * <p>Two steps, kept apart. {@link dev.postamt.sieve.SieveCompiler} turns script text into an immutable
 * {@link dev.postamt.sieve.SieveScript} when a user uploads it: lexer and parser ({@code Lexer},
 * {@link dev.postamt.sieve.Parser}, RFC 5228 §8), then a check of every command and test against its
 * {@link dev.postamt.sieve.Signature} with only the required capabilities. Every error found is reported at
 * once as {@code LINE:COLUMN: message}. {@link dev.postamt.sieve.Interpreter} then runs the compiled script
 * per delivery against a {@link dev.postamt.sieve.SieveMessage} (delivery uses
 * {@link dev.postamt.sieve.MimeSieveMessage}, the message parsed once), the
 * {@link dev.postamt.sieve.SieveEnvelope} and a {@link dev.postamt.sieve.SieveEnvironment} (mailboxes,
 * duplicate and vacation records, clock), and returns a {@link dev.postamt.sieve.SieveResult}: the ordered
 * {@link dev.postamt.sieve.SieveAction}s for delivery to carry out. Nothing here stores, sends or rejects
 * mail. Each extension is one file (or a small group) in {@code sieve.ext}, listed in
 * {@link dev.postamt.sieve.ext.Extensions}.
 *
 * <p>Failure behaviour: never lose mail. A script that does not compile is refused at upload. At delivery,
 * a run-time error, an exceeded limit ({@link dev.postamt.sieve.SieveLimits}: steps, time, actions,
 * redirects), or a bug in an extension ends the run with a failed result whose only action is
 * {@link dev.postamt.sieve.SieveAction.Keep}: the message goes to the inbox (RFC 5228 §2.10.6) and the
 * error is there to log and show the user. The interpreter never throws.
 *
 * <p>This package owns no files on disk; scripts and the records behind duplicate and vacation tracking are
 * stored by their callers.
 */
package dev.postamt.sieve;
