package dev.postamt.collect;

import dev.postamt.store.MailStore;

/** Where collected messages go: the local delivery of {@link MdaDrop} (Sieve, then the store). */
public interface LocalDrop {

  /**
   * Delivers {@code message} (our trace fields first) to {@code user}, idempotently under {@code id}.
   *
   * @param retry an earlier attempt may have delivered it (the store is asked first)
   * @return null when delivered (into a folder, or as Sieve decided), else why not (try again later)
   */
  String deliver(String user, String queueId, byte[] message, MailStore.DeliveryId id, boolean retry);
}
