package dev.postamt.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which delivery status notifications (RFC 3461) a client may ask for. Notices go to the MAIL FROM
 * address, which an outsider can forge: honoured as asked, NOTIFY=SUCCESS would let anyone make us
 * mail a report to any address (backscatter), and RET=FULL would make a bounce carry the outsider's
 * text to the victim. So for clients that are neither in {@code relay.networks} nor authenticated:
 *
 * <ul>
 *   <li>NOTIFY=SUCCESS is treated as not requested; a NOTIFY list left empty by that becomes NEVER
 *       (the client asked for no failure or delay notice);
 *   <li>RET is HDRS, whether the client asked FULL or nothing (our default would be the full
 *       message): a bounce carries only the header section;
 *   <li>NOTIFY=FAILURE and DELAY are honoured: RFC 5321 §6.1 requires failure notices, and a delay
 *       notice carries only the header section and is sent at most once per message.
 * </ul>
 *
 * The envelope records what is honoured, so relaying passes the reduced request on to the next hop.
 */
final class NoticeRequests {
  private NoticeRequests() {}

  /** The NOTIFY list to keep for a recipient (upper case; empty for the default). */
  static List<String> notify(List<String> asked, boolean trusted) {
    if (trusted || !asked.contains("SUCCESS")) {
      return asked;
    }
    List<String> kept = new ArrayList<>(asked);
    kept.remove("SUCCESS");
    return kept.isEmpty() ? List.of("NEVER") : List.copyOf(kept);
  }

  /** The RET value to keep (upper case), empty for the default (the whole message). */
  static Optional<String> ret(Optional<String> asked, boolean trusted) {
    Optional<String> upper = asked.map(s -> s.toUpperCase(Locale.ROOT));
    return trusted ? upper : Optional.of("HDRS");
  }
}
