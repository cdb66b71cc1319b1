package dev.postamt.queue;

import dev.postamt.routing.Destination;
import dev.postamt.routing.Resolution;
import dev.postamt.routing.Router;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The envelope recipients of one message, each resolved once, with each final destination owned by
 * the first recipient (in envelope order) that reaches it. Two recipients that expand to the same
 * mailbox or remote address (an alias and its member, two aliases sharing a member) give it one copy,
 * as Postfix's cleanup and local delivery agent drop duplicates after alias expansion. The later
 * recipient's share is recorded as delivered ("duplicate of &lt;first&gt;"); what became of the copy is
 * the first recipient's status, as in Postfix, where the duplicate is gone from the queue file.
 *
 * <p>Every recipient is resolved on every attempt, those already done included, so the owner of a
 * destination is the same from one attempt to the next and a retry never delivers the copy a second
 * time under another recipient's name. (If the tables change between attempts the owner can change;
 * Maildir names are per recipient, so that rare case may give a second copy rather than none.)
 */
final class ExpandedRecipients {
  private final List<Resolution> resolutions = new ArrayList<>();
  private final Map<Destination, Integer> owners = new HashMap<>();
  private final List<String> addresses;

  private ExpandedRecipients(List<String> addresses) {
    this.addresses = addresses;
  }

  static ExpandedRecipients of(Router router, Envelope env) {
    return of(router, env, Map.of());
  }

  /**
   * Like {@link #of(Router, Envelope)}, taking a recipient's resolution from {@code known} (what the SMTP
   * server's router said at RCPT, by address) when it is there: the delivery before the reply resolves
   * nothing a second time. Attempts from the spool pass nothing and resolve every recipient.
   */
  static ExpandedRecipients of(Router router, Envelope env, Map<String, Resolution> known) {
    ExpandedRecipients x = new ExpandedRecipients(env.recipientAddresses());
    for (int i = 0; i < x.addresses.size(); i++) {
      Resolution r = known.get(x.addresses.get(i));
      if (r == null) {
        r = router.resolve(x.addresses.get(i));
      }
      x.resolutions.add(r);
      switch (r) {
        case Resolution.Local l -> {
          for (Destination d : l.destinations()) {
            x.owners.putIfAbsent(d, i);
          }
        }
        case Resolution.NotLocal n -> x.owners.putIfAbsent(remote(x.addresses.get(i)), i);
        default -> {}
      }
    }
    return x;
  }

  Resolution resolution(int index) {
    return resolutions.get(index);
  }

  /** Whether an earlier recipient owns {@code d}: then recipient {@code index} must not deliver it. */
  boolean duplicate(int index, Destination d) {
    return owners.getOrDefault(d, index) < index;
  }

  /** Like {@link #duplicate} for a recipient that is itself a remote address. */
  boolean duplicateRemote(int index) {
    return duplicate(index, remote(addresses.get(index)));
  }

  /** The status of a recipient's share that an earlier recipient delivers. */
  RecipientStatus duplicateStatus(int index, Destination d, Instant now) {
    String owner = addresses.get(owners.get(d));
    return new RecipientStatus.Delivered(now, "2.0.0 duplicate of <" + owner + ">: one copy delivered");
  }

  RecipientStatus duplicateRemoteStatus(int index, Instant now) {
    return duplicateStatus(index, remote(addresses.get(index)), now);
  }

  /** A remote address as the router writes one: the local part as is, the domain in lower case. */
  private static Destination remote(String address) {
    int at = address.lastIndexOf('@');
    return new Destination.Remote(at < 0 ? address : address.substring(0, at + 1) + address.substring(at + 1).toLowerCase(Locale.ROOT));
  }
}
