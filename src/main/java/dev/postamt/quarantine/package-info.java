/**
 * Held messages: what the content verdict (a virus now, a spam score later) keeps from delivery, with
 * the envelope it came with and the reason, until {@code postamt quarantine release} sends it on to its
 * original recipients or {@code quarantine delete} drops it. {@link dev.postamt.quarantine.Quarantine}
 * is the one owner of this state; {@link dev.postamt.quarantine.SqliteQuarantine} keeps it under {@code
 * data_dir/quarantine} (layout in its javadoc).
 *
 * <p>Failure behaviour: {@code store} returns only when message file and row are durable, so the SMTP
 * server may answer 250 after it; a failure there is an {@link java.io.IOException} and the message is
 * not acknowledged ({@code 451}). No SQL outside {@code SqliteQuarantine}.
 */
package dev.postamt.quarantine;
