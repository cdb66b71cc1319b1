/**
 * The durable queue and its scheduler.
 *
 * <p>On disk ({@code data_dir/queue/}): {@code incoming/ID} while a message is received (deleted at
 * start-up: never acknowledged), {@code active/ID} once committed (message bytes, envelope trailer,
 * footer; written, fsync'd, renamed, directory fsync'd before the SMTP 250), {@code active/ID.status}
 * with one appended, fsync'd line per recipient outcome, and {@code hold/} for held mail.
 *
 * <p>Every step after the commit is idempotent: a restart after {@code kill -9} re-reads the spool,
 * skips recipients already delivered, and local delivery recognises a copy it already wrote, so each
 * acknowledged message is delivered exactly once.
 */
package dev.postamt.queue;
