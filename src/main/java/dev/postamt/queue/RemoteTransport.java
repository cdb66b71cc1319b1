package dev.postamt.queue;

import java.time.Instant;
import java.util.List;

/**
 * How the queue hands a message to addresses outside our domains (SMTP to the MX, relayhost, LMTP…).
 * The queue owns this interface so that it depends on no delivery agent; {@code
 * dev.postamt.delivery.RemoteDelivery} implements it and the server wires the two together.
 */
public interface RemoteTransport {
  /**
   * @param targets the remote addresses with the envelope recipient index each belongs to
   * @return an outcome per target (same order); trouble is an outcome, never an exception
   */
  List<RecipientStatus> deliver(QueuedMessage message, List<Target> targets);

  /**
   * One copy to send.
   *
   * @param index the envelope recipient it belongs to
   * @param address where it goes
   * @param sender the envelope sender of this copy ({@code ""} for the null sender): the message's own,
   *     or, for a copy an alias or {@code .forward} sends on, the one the Sender Rewriting Scheme makes
   */
  record Target(int index, String address, String sender) {}

  /** Used where outbound delivery does not exist: every remote recipient stays queued. */
  RemoteTransport UNAVAILABLE =
      (m, targets) ->
          targets.stream()
              .map(t -> (RecipientStatus) new RecipientStatus.TempFail(
                  Instant.now(), 0, "4.4.0 remote delivery is not available in this build"))
              .toList();
}
