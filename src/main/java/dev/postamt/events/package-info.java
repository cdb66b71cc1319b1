/**
 * The closed catalogue of events ({@link dev.postamt.events.Event}) and where they go: the log (text,
 * or JSON with {@code [log] format = "json"}), the counter {@code postamt_events_total{event}}, and the
 * per-message trail that {@code postamt trace} and the console's Trail page read ({@link
 * dev.postamt.events.Trace}).
 *
 * <p>The mail flow calls {@link dev.postamt.events.Events#at}{@code (dataDir).emit(…)} inline; an SMTP
 * session id links connect, authentication and refusals to the queue id given at DATA, the queue id
 * links the delivery attempts and the notices, and the Message-ID header and the envelope addresses are
 * kept for lookups.
 *
 * <p>On disk: {@code data_dir/trail.db} (SQLite, WAL), owned by {@link
 * dev.postamt.events.SqliteTrailStore}: table {@code trail} (one row per event) and {@code
 * trail_address} (one row per address, session and queue id in a written batch: the latest time the events of
 * the batch name it). With {@code [database] url} the same tables live in
 * PostgreSQL ({@link dev.postamt.events.PgTrailStore}), written by every node, so that {@code postamt trace}
 * and the console on any node see the whole life of a message. Rows older than {@code [trail] retention} are
 * deleted at start and daily (by each node; deleting is idempotent).
 *
 * <p>Failure behaviour: emitting never throws and never blocks the mail; the trail is written in
 * batches by one virtual thread from a bounded queue, and rows that do not fit or cannot be written are
 * dropped and counted ({@code postamt_trail_dropped_total}). A trail is a record, never a reason to
 * refuse or defer mail.
 */
package dev.postamt.events;
