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
  private final Quota.Policy quotas;
  private final Map<String, Account> open = new HashMap<>();

  /** A store without quotas (tools, tests). */
  public MailStore(Path dataDir) {
    this(dataDir, Quota.Policy.NONE);
  }

  /** @param quotas each user's limits; APPEND and COPY are refused beyond them */
  public MailStore(Path dataDir, Quota.Policy quotas) {
    this.dataDir = dataDir;
    this.quotas = quotas;
  }

  public Quota.Policy quotaPolicy() {
    return quotas;
  }

  /**
   * A user's quota limit and usage, for checks made outside a session (SMTP RCPT, local delivery, the
   * CLI). Cheap: an open account answers from its index; otherwise the usage row is read from the index
   * file without opening the account, plus the messages waiting in INBOX's {@code new/}. Only a user
   * whose index predates quotas (or who has none yet) costs an account open, once.
   */
  public Quota.Status quota(String user) {
    String key = user.toLowerCase(Locale.ROOT);
    Quota.Limit limit = quotas.limitFor(key);
    if (limit.unlimited()) {
      return new Quota.Status(limit, Quota.Usage.NONE); // nothing to count against
    }
    return new Quota.Status(limit, usage(key));
  }

  /** What a user's mailboxes hold (see {@link #quota}). */
  public Quota.Usage usage(String user) {
    String key = user.toLowerCase(Locale.ROOT);
    Account a;
    synchronized (open) {
      a = open.get(key);
      if (a != null) {
        a.refs++;
      }
    }
    if (a == null) {
      Path home = MailboxLayout.home(dataDir, key);
      java.util.Optional<Quota.Usage> peeked = MailIndex.peekUsage(home.resolve("index.db"));
      if (peeked.isPresent()) {
        Quota.Usage waiting = waiting(home.resolve("Maildir").resolve("new"));
        return peeked.get().plus(waiting.bytes(), waiting.messages());
      }
      a = open(key);
    }
    try {
      return a.quota().usage();
    } finally {
      a.close();
    }
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

  /** Messages delivered into {@code new/} and not yet taken into the index (which moves them to cur/). */
  private static Quota.Usage waiting(Path newDir) {
    long bytes = 0;
    long count = 0;
    try (java.nio.file.DirectoryStream<Path> ds = java.nio.file.Files.newDirectoryStream(newDir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        long size = MaildirFolders.sizeOf(MaildirFolders.baseOf(name));
        if (size < 0) {
          try {
            size = java.nio.file.Files.size(p);
          } catch (java.io.IOException gone) {
            continue; // taken in meanwhile
          }
        }
        bytes += size;
        count++;
      }
    } catch (java.io.IOException e) {
      // no new/ yet: nothing waiting
    }
    return new Quota.Usage(bytes, count);
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
