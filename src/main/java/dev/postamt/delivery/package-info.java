/**
 * Delivery agents the queue calls through the interfaces it owns ({@link
 * dev.postamt.queue.LocalTransport}, {@link dev.postamt.queue.RemoteTransport}): {@link
 * dev.postamt.delivery.LocalDelivery} into mailboxes, commands and mbox files, and {@link
 * dev.postamt.delivery.RemoteDelivery} to other hosts over SMTP or LMTP
 * (MX routing, relayhost, {@code [transport]} maps, backup MX, connection reuse, per-destination
 * limits).
 *
 * <p>Failure behaviour: agents never throw for delivery trouble; every recipient gets a
 * {@link dev.postamt.queue.RecipientStatus} (delivered, temporary or permanent failure) and the queue
 * decides about retries and bounces. Local mailbox deliveries are idempotent (the store's delivery id
 * derives from the queue id), so a retry after a crash does not deliver twice. Remote deliveries can duplicate
 * only when the connection breaks after the final dot and before the peer's reply, the unavoidable
 * case of RFC 1047.
 */
package dev.postamt.delivery;
