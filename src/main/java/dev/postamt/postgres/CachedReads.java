package dev.postamt.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers of a read-mostly kind of state that the mail path asks per message — a user's Sieve script
 * version, vacation reply, spam-list entries, the Bayes totals — kept per key in this process, so that a
 * message costs no statement for them once its recipient was seen. The invalidation is the directory
 * lookup cache's ({@code dev.postamt.directory.LookupCache}):
 *
 * <ul>
 *   <li>every writer sends {@code NOTIFY} on the owner's channel inside its transaction ({@link #notifyIn},
 *       delivered when and only if it commits), and calls {@link #changed} once it is over, so this
 *       process's entries are stale at once and the other nodes' when the notification arrives (usually
 *       within milliseconds);
 *   <li>the count of changes is one per pool and channel ({@link PgDatabase#changeCount}): every cache of
 *       the channel in the process sees a change made through any of them;
 *   <li>an entry is stamped with the count read before its query ran, and one whose stamp is not the
 *       current count is never used, so a query that raced a change cannot put the old answer back;
 *   <li>when the listening connection was (re)made — a notification may have been missed — the count
 *       moves, and an entry is used at most {@link #LIFETIME} after it was read, which bounds the rest.
 * </ul>
 *
 * On SQLite ({@link #sqlite}) another process (the CLI) may change the file: an entry is also stamped
 * with the file's {@code PRAGMA data_version} read before its query, and used only while the file still
 * gives that version — the question is asked of the file every time, as before, but a pragma answers it
 * instead of compiling and running the query (the directory's lookup cache does the same). {@link #none}
 * keeps nothing (tools). A failed read is not kept.
 */
public final class CachedReads<V> {
  /** How long an answer is used at most. */
  public static final Duration LIFETIME = Duration.ofSeconds(60);
  /** Entries kept at most; past that the cache starts again empty. */
  static final int MAX_ENTRIES = 50_000;

  /** A read of the database. */
  @FunctionalInterface
  public interface Load<V, E extends Exception> {
    V load() throws E;
  }

  private record Entry<V>(V value, long count, long version, long expires) {}

  /** SQLite's count of commits by other connections to the file ({@code PRAGMA data_version}). */
  @FunctionalInterface
  public interface FileVersion {
    long read() throws SQLException;
  }

  private final String channel;
  private final AtomicLong changes;
  private final long lifetimeNanos;
  /** SQLite: the file's version; null on PostgreSQL. */
  private final FileVersion fileVersion;
  private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

  private CachedReads(String channel, AtomicLong changes, long lifetimeNanos, FileVersion fileVersion) {
    this.channel = channel;
    this.changes = changes;
    this.lifetimeNanos = lifetimeNanos;
    this.fileVersion = fileVersion;
  }

  /** Reads of {@code db} cached until a change is heard on {@code channel} (a lower-case SQL identifier). */
  public static <V> CachedReads<V> of(PgDatabase db, String channel) {
    return new CachedReads<>(channel, db.changeCount(channel), LIFETIME.toNanos(), null);
  }

  /**
   * Reads of one SQLite file, kept while {@code version} is what it was before they ran and {@code changes}
   * (this process's writes through the same connection, which {@code data_version} does not count: {@link
   * #changed}) has not moved.
   */
  public static <V> CachedReads<V> sqlite(FileVersion version, AtomicLong changes) {
    return new CachedReads<>(null, changes, LIFETIME.toNanos(), version);
  }

  /** No cache: every {@link #get} reads (tools). */
  public static <V> CachedReads<V> none() {
    return new CachedReads<>(null, null, 0, null);
  }

  /** The answer under {@code key}: remembered while still valid, else read by {@code load} and remembered. */
  public <E extends Exception> V get(String key, Load<V, E> load) throws E {
    if (changes == null) {
      return load.load();
    }
    Entry<V> e = entries.get(key);
    long now = System.nanoTime();
    long count = changes.get(); // before the query: a change during it makes the entry stale
    long version = 0;
    if (fileVersion != null) {
      try {
        version = fileVersion.read(); // likewise for another process's commit
      } catch (SQLException failed) {
        return load.load(); // the read reports the trouble, or succeeds; nothing is kept
      }
    }
    if (e != null && e.count == count && e.version == version && now - e.expires < 0) {
      return e.value;
    }
    V value = load.load();
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(key, new Entry<>(value, count, version, now + lifetimeNanos));
    return value;
  }

  /** Inside a writer's transaction on {@code c}: tells every node's caches, when it commits. */
  public void notifyIn(Connection c) throws SQLException {
    if (changes != null && fileVersion == null) {
      PgNotifications.notify(c, channel, "");
    }
  }

  /** After a write (committed or not: a needless miss costs one read): this process's entries are stale. */
  public void changed() {
    if (changes != null) {
      changes.incrementAndGet();
    }
  }
}
