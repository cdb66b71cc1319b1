package dev.postamt.queue;

import dev.postamt.events.Event;
import dev.postamt.events.Events;
import dev.postamt.events.TrailKey;
import java.nio.file.Path;

/**
 * What the queue tells the event trail: each recipient's outcome of an attempt ({@code
 * delivery.delivered}, {@code delivery.deferred}, {@code delivery.bounced} with the reply or reason, as
 * the {@code status=} log line says it) and each notice sent to the sender ({@code delivery.notice},
 * whose queue id links the notice's own trail to the message's).
 */
final class DeliveryTrail {
  private DeliveryTrail() {}

  static void outcome(Path dataDir, String queueId, Envelope env, String recipient, RecipientStatus s) {
    Event e = switch (s) {
      case RecipientStatus.Delivered d -> Event.DELIVERY_DELIVERED;
      case RecipientStatus.TempFail t -> Event.DELIVERY_DEFERRED;
      case RecipientStatus.PermFail p -> Event.DELIVERY_BOUNCED;
      case RecipientStatus.Scheduled x -> null;
    };
    if (e == null) {
      return;
    }
    String reply = switch (s) {
      case RecipientStatus.Delivered d -> d.detail();
      case RecipientStatus.TempFail t -> t.reason();
      case RecipientStatus.PermFail p -> p.reason();
      case RecipientStatus.Scheduled x -> "";
    };
    String attempts = s instanceof RecipientStatus.TempFail t ? Integer.toString(t.attempts()) : null;
    Events.at(dataDir).emit(e, key(queueId, env).withRecipient(recipient), "reply", reply, "attempts", attempts);
  }

  static void notice(Path dataDir, String queueId, Envelope env, String kind, String noticeId, String to) {
    Events.at(dataDir).emit(Event.DELIVERY_NOTICE, key(queueId, env), "kind", kind, "notice", noticeId, "notify", to);
  }

  private static TrailKey key(String queueId, Envelope env) {
    return TrailKey.queue(queueId).withSender(env == null ? null : env.sender());
  }
}
