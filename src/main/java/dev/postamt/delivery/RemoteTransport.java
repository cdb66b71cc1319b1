package dev.postamt.delivery;

import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import java.util.List;
import java.util.Map;

/** Delivers a queued message to addresses outside our domains (SMTP to the MX, relayhost, LMTP…). */
public interface RemoteTransport {
  /**
   * @param targets the remote addresses with the envelope recipient index each belongs to
   * @return an outcome per target (same order)
   */
  List<RecipientStatus> deliver(QueuedMessage message, List<Target> targets);

  record Target(int index, String address) {}

  /** Used until outbound delivery exists: every remote recipient stays queued. */
  RemoteTransport UNAVAILABLE =
      (m, targets) ->
          targets.stream()
              .map(
                  t ->
                      (RecipientStatus)
                          new RecipientStatus.TempFail(
                              java.time.Instant.now(), 0, "4.4.0 remote delivery is not available in this build"))
              .toList();

  static Map<Integer, RecipientStatus> none() {
    return Map.of();
  }
}
