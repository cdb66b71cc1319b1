package dev.postamt.collect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For every IMAP account, one virtual thread with a connection idling on the remote INBOX (RFC 2177):
 * when the server announces a new message, the account is made due and the poller woken, so mail
 * arrives within seconds instead of at the next {@code interval}. The watch only signals; collecting
 * is the poller's run, with all its guarantees. A server without IDLE, or trouble on the idle
 * connection, ends that account's watch until the account's next successful run (polling goes on).
 */
final class IdleWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdleWatch.class);
  /** RFC 2177 §3: servers may log out a client idle for 30 minutes; re-issue IDLE before. */
  private static final Duration REISSUE = Duration.ofMinutes(29);

  private final CollectAccounts accounts;
  private final SecretBox secrets;
  private final Duration timeout;
  private final Clock clock;
  private final Runnable wake;
  /** The accounts whose INBOX is selected, about to idle or idling. */
  private final Set<Long> idling = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Map<Long, Thread> watching = new ConcurrentHashMap<>();
  private volatile boolean closed;

  IdleWatch(CollectAccounts accounts, SecretBox secrets, Duration timeout, Clock clock, Runnable wake) {
    this.accounts = accounts;
    this.secrets = secrets;
    this.timeout = timeout;
    this.clock = clock;
    this.wake = wake;
  }

  /** Watches the IMAP accounts whose last run went well; stops watching removed ones. */
  void sync(List<CollectAccounts.Account> all) {
    if (closed) {
      return;
    }
    Set<Long> wanted = all.stream().filter(a -> a.url().protocol() == RemoteUrl.Protocol.IMAP)
        .filter(a -> a.lastRun().isPresent() && a.lastError().isEmpty())
        .map(CollectAccounts.Account::id).collect(Collectors.toSet());
    watching.forEach((id, t) -> {
      if (!wanted.contains(id)) {
        t.interrupt();
      }
    });
    for (CollectAccounts.Account a : all) {
      if (wanted.contains(a.id()) && !watching.containsKey(a.id())) {
        Thread t = Thread.ofVirtual().name("collect-idle-" + a.id()).unstarted(() -> watch(a));
        if (watching.putIfAbsent(a.id(), t) == null) {
          t.start();
        }
      }
    }
  }

  private void watch(CollectAccounts.Account a) {
    try (RemoteMailbox m = RemoteMailbox.open(a.url(), a.insecure(), a.plaintext(), a.login(),
        secrets.open(a.owner(), a.password()), timeout)) {
      ImapMailbox imap = (ImapMailbox) m;
      if (imap.exists() > 0) {
        // mail that came between the last run and this SELECT is announced by no EXISTS in IDLE: run now
        accounts.schedule(a.id(), clock.instant());
        wake.run();
      }
      idling.add(a.id());
      while (!closed && !Thread.currentThread().isInterrupted()) {
        if (imap.idle(REISSUE, timeout)) {
          accounts.schedule(a.id(), clock.instant());
          wake.run();
        }
      }
    } catch (IOException | UncheckedIOException | ClassCastException e) {
      if (!closed && !Thread.currentThread().isInterrupted()) {
        log.info("collect: account {} of {}: no IDLE on the remote INBOX ({}); polled every interval", a.id(), a.owner(),
            e.getMessage());
      }
    } finally {
      idling.remove(a.id());
      watching.remove(a.id());
    }
  }

  /** Whether the account's remote INBOX is selected and being watched (tests). */
  boolean watching(long id) {
    return idling.contains(id);
  }

  @Override
  public void close() {
    closed = true;
    watching.values().forEach(Thread::interrupt);
  }
}
