package dev.postamt.routing;

import java.util.List;

/** What the router says about one envelope recipient. */
public sealed interface Resolution {
  /** The domain is local but no user or alias has this address: {@code 550 5.1.1}. */
  record Unknown(String reason) implements Resolution {}

  /** The domain is not ours: relay rules decide. */
  record NotLocal() implements Resolution {}

  /** Local; delivered to these destinations (never empty, duplicates removed). */
  record Local(List<Destination> destinations) implements Resolution {}

  /** The lookup failed (database, alias loop, unreadable include): {@code 451 4.3.0}. */
  record TempFail(String reason) implements Resolution {}
}
