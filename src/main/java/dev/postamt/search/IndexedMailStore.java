package dev.postamt.search;

import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.Quota;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * The server's {@link MailStore} with the search index listening: every account it opens tells
 * {@link SearchBackend} about its changes (the same {@link Account#watch} notifications that wake IMAP
 * IDLE and JMAP push), and so does every delivery. Listening costs an enqueue; nothing here waits for
 * the index. Everything else is the wrapped store's.
 */
final class IndexedMailStore implements MailStore {
  private final MailStore inner;
  private final SearchBackend search;

  IndexedMailStore(MailStore inner, SearchBackend search) {
    this.inner = inner;
    this.search = search;
  }

  @Override
  public Account open(String user) {
    Account a = inner.open(user);
    search.attach(a);
    return a;
  }

  @Override
  public Quota.Policy quotaPolicy() {
    return inner.quotaPolicy();
  }

  @Override
  public Quota.Status quota(String user) {
    return inner.quota(user);
  }

  @Override
  public Quota.Usage usage(String user) {
    return inner.usage(user);
  }

  @Override
  public boolean delivered(String user, DeliveryId id, long size) throws IOException {
    return inner.delivered(user, id, size);
  }

  @Override
  public void deliver(String user, DeliveryId id, InputStream content, long size) throws IOException {
    inner.deliver(user, id, content, size);
    search.changed(user);
  }

  @Override
  public boolean mailboxExists(String user, String mailbox) {
    return inner.mailboxExists(user, mailbox);
  }

  @Override
  public boolean delivered(String user, String mailbox, DeliveryId id, long size) throws IOException {
    return inner.delivered(user, mailbox, id, size);
  }

  @Override
  public void deliver(String user, String mailbox, DeliveryId id, InputStream content, long size, Set<String> flags)
      throws IOException {
    inner.deliver(user, mailbox, id, content, size, flags);
    search.changed(user);
  }

  /**
   * The delivery was counted by {@link #deliver} already ({@link SearchBackend#takenIn}): counted here as
   * well, each delivery counted twice towards {@link IndexPacing#MAX_BACKLOG}, and a burst was synced in
   * batches of about half the size, each with a sync's fixed cost.
   */
  @Override
  public void notifyDelivered(String user) {
    inner.notifyDelivered(user);
    search.takenIn(user);
  }

  @Override
  public void reindex(String user, boolean renumber) {
    inner.reindex(user, renumber);
    search.changed(user);
  }

  @Override
  public boolean exists(String user) {
    return inner.exists(user);
  }

  @Override
  public void create(String user) throws IOException {
    inner.create(user);
  }

  @Override
  public String location(String user) {
    return inner.location(user);
  }

  @Override
  public Path dataDir() {
    return inner.dataDir();
  }

  @Override
  public Path mailRoot() {
    return inner.mailRoot();
  }

  /** The inner store's: with PostgreSQL the shares live in the database, not in {@code shares.db}. */
  @Override
  public dev.postamt.store.Shares shares() {
    return inner.shares();
  }

  /** Stops the indexer (committing what it has) before the store closes under it. */
  @Override
  public void close() {
    try {
      search.close();
    } finally {
      inner.close();
    }
  }
}
