package dev.postamt.delivery.tls;

import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.testing.MailHost;
import java.util.Optional;

/** Waits for a host's queue to hold a recipient back, and says why. */
final class Deferrals {
  private Deferrals() {}

  /** The reason of the first deferred recipient ({@code rcpt}, or any when null). */
  static String await(MailHost a, String rcpt) throws Exception {
    String[] found = new String[1];
    MailHost.await(() -> {
      try {
        for (String id : a.server().spool().ids()) {
          Optional<QueuedMessage> m = a.server().spool().load(id);
          if (m.isEmpty()) {
            continue;
          }
          for (int i = 0; i < m.get().statuses().size(); i++) {
            if ((rcpt == null || m.get().envelope().recipients().get(i).address().equals(rcpt))
                && m.get().statuses().get(i) instanceof RecipientStatus.TempFail t) {
              found[0] = t.reason();
              return true;
            }
          }
        }
        return false;
      } catch (java.io.IOException e) {
        return false;
      }
    }, "a deferral" + (rcpt == null ? "" : " for " + rcpt));
    return found[0];
  }
}
