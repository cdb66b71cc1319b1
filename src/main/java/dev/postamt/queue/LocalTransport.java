package dev.postamt.queue;

import dev.postamt.routing.Destination;

/**
 * How the queue hands one message to one local destination (a mailbox, a command, an mbox file). The
 * queue owns this interface so that it depends on no delivery agent; {@code
 * dev.postamt.delivery.LocalDelivery} implements it and the server wires the two together.
 */
@FunctionalInterface
public interface LocalTransport {
  /**
   * @param index the envelope recipient's position in {@code message}
   * @param recipient the envelope recipient this destination came from
   * @param retry true when an earlier attempt may already have delivered (check before writing)
   * @return the outcome; trouble is an outcome, never an exception
   */
  RecipientStatus deliver(QueuedMessage message, int index, String recipient, Destination dest, boolean retry);
}
