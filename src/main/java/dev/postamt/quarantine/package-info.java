/**
 * Held messages: what the content verdict (a virus, a forbidden attachment, a spam score) keeps from
 * delivery, with the envelope it came with, the reason and its kind, until {@code postamt quarantine
 * release} sends it on to its original recipients, {@code quarantine delete} drops it, or it is older
 * than {@code quarantine.retention} ({@link dev.postamt.quarantine.QuarantineExpiry}: at start and
 * daily). {@link dev.postamt.quarantine.Quarantine} is the one owner of this state; {@link
 * dev.postamt.quarantine.SqliteQuarantine} keeps it under {@code data_dir/quarantine} (layout and
 * schema versions in its javadoc).
 *
 * <p>Failure behaviour: {@code store} returns only when message file and row are durable, so the SMTP
 * server may answer 250 after it; a failure there is an {@link java.io.IOException} and the message is
 * not acknowledged ({@code 451}). A failed expiry run is logged and tried the next day. No SQL outside
 * {@code SqliteQuarantine}.
 */
package dev.postamt.quarantine;
