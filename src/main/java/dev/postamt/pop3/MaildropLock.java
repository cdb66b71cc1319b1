package dev.postamt.pop3;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RFC 1939 §4: one POP3 session per maildrop at a time. The lock is keyed by the user's home
 * directory (so two servers on different data directories, as in parallel tests, never collide) and
 * held by the session's thread: the session releases it in its {@code finally}, and a lock whose thread
 * has died without getting there is treated as free, so no crash can leave a user locked out.
 *
 * <p>The lock is per process; one Postamt process serves one data directory. IMAP sessions are not
 * locked out: the store keeps them consistent, and POP3's message numbers stay fixed regardless.
 */
final class MaildropLock {
  private static final ConcurrentHashMap<Path, Thread> HELD = new ConcurrentHashMap<>();

  private MaildropLock() {}

  /** Takes the lock for the calling thread; false when another live session holds it. */
  static boolean tryLock(Path home) {
    Thread me = Thread.currentThread();
    Thread holder = HELD.compute(key(home), (k, t) -> t == null || !t.isAlive() ? me : t);
    return holder == me;
  }

  /** Releases the lock if the calling thread holds it. */
  static void unlock(Path home) {
    HELD.remove(key(home), Thread.currentThread());
  }

  /** Whether a live session holds the lock (for tests and diagnostics). */
  static boolean isLocked(Path home) {
    Thread t = HELD.get(key(home));
    return t != null && t.isAlive();
  }

  private static Path key(Path home) {
    return home.toAbsolutePath().normalize();
  }
}
