package dev.postamt.store;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Entry to every user's mail under {@code data_dir}. One instance per process: it hands out one shared
 * {@link Account} per user so that all sessions of a user see the same state and wake each other, and
 * it is where local delivery reports new mail ({@link #notifyDelivered}).
 */
public final class MailStore implements AutoCloseable {
  private final Path dataDir;
  private final Map<String, Account> open = new HashMap<>();

  public MailStore(Path dataDir) {
    this.dataDir = dataDir;
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * Opens (or shares) the account of {@code user}, creating its Maildir, index and default folders on
   * first use. The caller must {@link Account#close} it.
   */
  public Account open(String user) {
    String key = user.toLowerCase(Locale.ROOT);
    synchronized (open) {
      Account a = open.get(key);
      if (a == null) {
        a = new Account(this, key, MailboxLayout.home(dataDir, key));
        open.put(key, a);
      }
      a.refs++;
      return a;
    }
  }

  void release(Account a) {
    synchronized (open) {
      if (--a.refs == 0) {
        open.remove(a.user);
        a.closeDb();
      }
    }
  }

  /**
   * Local delivery calls this after it has put a message into {@code <maildir>/new/}: the message gets
   * its UID now and sessions that have the user's INBOX selected (or are IDLE) are told at once. Cheap
   * and harmless when nobody is logged in (the message is then indexed on next access).
   */
  public void notifyDelivered(String user) {
    Account a;
    synchronized (open) {
      a = open.get(user.toLowerCase(Locale.ROOT));
      if (a == null) {
        return;
      }
      a.refs++;
    }
    try {
      a.mailbox(MaildirFolders.INBOX).ifPresent(m -> a.poll(m.id()));
    } finally {
      a.close();
    }
  }

  /** Reconciles the index with the MaildirFolders files; {@code renumber} rebuilds every UID (new UIDVALIDITY). */
  public void reindex(String user, boolean renumber) {
    try (Account a = open(user)) {
      a.reindex(renumber);
    }
  }

  @Override
  public void close() {
    synchronized (open) {
      for (Account a : open.values()) {
        a.closeDb();
      }
      open.clear();
    }
  }
}
