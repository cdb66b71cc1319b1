/**
 * The mail queue: the durable spool, the scheduler with its retry back-off, delivery status
 * notifications (RFC 3464 bounces, delay and success notices) and queue administration. Each attempt
 * expands the envelope recipients once ({@link dev.postamt.queue.ExpandedRecipients}) and delivers one
 * copy per final mailbox or remote address, however many recipients lead to it. The queue delivers
 * through the two small interfaces it owns, {@link dev.postamt.queue.LocalTransport} and {@link
 * dev.postamt.queue.RemoteTransport}; the agents of {@code delivery} implement them and {@code server}
 * wires them in, so this package depends on no delivery agent. Likewise every message the spool
 * commits is first handed to the {@link dev.postamt.queue.Journal} it was made with (the compliance
 * journal of {@code archive}, or none), and is not committed when that fails.
 *
 * <p>On-disk layout, under {@code data_dir/queue/} (see {@link dev.postamt.queue.DurableSpool}):
 * {@code incoming/} for messages being received (those over 256 KiB; a smaller one is kept in memory, in
 * the blocks it arrived in ({@link dev.postamt.queue.InMemoryMessage}), until its commit writes it there),
 * {@code active/ID} for committed messages (message
 * bytes, then the envelope as a trailer), {@code active/ID.status} for the append-only per-recipient
 * outcome log (which also records the notices queued), {@code hold/} for held messages. The running
 * server listens on {@code data_dir/run/control.sock} for {@code postamt queue} requests
 * ({@link dev.postamt.net.ControlSocket}, answered by {@link dev.postamt.queue.QueueAdmin#answer}).
 *
 * <p>Failure behaviour: a message is durable before the SMTP server answers 250; every later step
 * (delivery, recording, notice, removal) is idempotent and repeated after a crash. Outcomes are
 * recorded before a message is removed, notices are committed and recorded before the message is
 * removed, and the start-up pass finishes interrupted work before any new delivery starts.
 */
package dev.postamt.queue;
