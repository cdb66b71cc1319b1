package dev.postamt.directory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The answers of the lookups the mail path asks per message and recipient — is this domain local, does
 * this user exist, the targets of this alias or catch-all, this masked address, this user's quota —
 * remembered for a short time, so that a message costs no directory query once its recipient was seen.
 * Off until {@link Directory#cacheLookups} turns it on (the server does; the CLI and tools read the
 * database each time).
 *
 * <p>Positive answers are kept for {@link #POSITIVE} and negative ones (no such user, no alias) for
 * {@link #NEGATIVE}, as Dovecot's auth cache and Postfix's proxymap clients keep theirs, but a change is
 * seen long before that:
 *
 * <ul>
 *   <li>a write through any directory of this process invalidates every entry at once, after its commit
 *       ({@link DirectoryDb#generation});
 *   <li>on PostgreSQL a write on another node arrives as a {@code NOTIFY} on {@value DirectoryDb#CHANNEL},
 *       sent in the writer's transaction, usually within milliseconds; when the listening connection was
 *       down, its reconnection invalidates everything (a notification may have been missed), and the TTLs
 *       bound the rest;
 *   <li>on SQLite another process (the CLI {@code postamt user add} while {@code serve} runs) is seen
 *       through {@code PRAGMA data_version}: checked before a negative answer is used, always — a stale
 *       "no such user" would be a permanent {@code 550 5.1.1} — and before a positive one at most once per
 *       {@link #RECHECK}.
 * </ul>
 *
 * Within {@link #oneCheck} (the server runs each SMTP command's checks and each end of DATA in one) the
 * file is asked at most once, at the first answer that needs it; the answers after it in the same scope
 * rely on that look. A message's recipient, alias, masked-address, catch-all and quota lookups asked it
 * about six times before, each one a read transaction on {@code directory.db}; a change committed before
 * the command's first lookup is seen as before, one committed while the command runs (milliseconds) may be
 * seen by the next command instead.
 *
 * <p>An entry is stamped with the generation read before its query ran; one whose stamp is not the current
 * generation is never used, so a query that raced a write cannot put the old answer back. A failed
 * lookup is not cached. Passwords and logins are not cached here ({@link VerifiedLogins} keeps today's
 * rule: the stored hash is read at every login).
 */
final class LookupCache {
  /** How long a positive answer is kept at most. */
  static final Duration POSITIVE = Duration.ofSeconds(60);
  /** How long a negative answer (nothing found) is kept at most. */
  static final Duration NEGATIVE = Duration.ofSeconds(10);
  /** On SQLite, how long a positive answer may be used without asking the file whether it changed. */
  static final Duration RECHECK = Duration.ofSeconds(1);
  /** Entries kept at most; past that the cache starts again empty (a dictionary attack must not fill the heap). */
  static final int MAX_ENTRIES = 50_000;

  /** The caches asked for changes in the running {@link #oneCheck} scope: the last one (usually the only one). */
  private static final ScopedValue<Checked> CHECKED = ScopedValue.newInstance();

  /**
   * Which cache a {@link #oneCheck} scope has checked; one object per scope (volatile: a scope's binding is
   * inherited by the threads a StructuredTaskScope forks in it).
   */
  private static final class Checked {
    volatile LookupCache cache;
  }

  /**
   * Runs {@code op} asking each cache's file for other processes' changes at most once (see above); a
   * scope inside another one looks again, once, for what runs inside it.
   */
  static <T, X extends Throwable> T oneCheck(ScopedValue.CallableOp<? extends T, X> op) throws X {
    return ScopedValue.where(CHECKED, new Checked()).call(op);
  }

  /** A lookup that reads the database. */
  @FunctionalInterface
  interface Load<T> {
    T load() throws DirectoryException;
  }

  private record Entry(Object value, long generation, long expires, boolean negative) {}

  private final DirectoryDb db;
  private final LongSupplier clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private volatile boolean on;
  private volatile long positiveNanos;
  private volatile long negativeNanos;
  /** SQLite: the data_version last read and when (clock nanos). */
  private long seenVersion;
  private long checkedAt;

  LookupCache(DirectoryDb db, LongSupplier clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Turns caching on with these lifetimes (zero: off). */
  synchronized void enable(Duration positive, Duration negative) throws DirectoryException {
    entries.clear();
    if (positive.isZero() && negative.isZero()) {
      on = false;
      return;
    }
    positiveNanos = positive.toNanos();
    negativeNanos = negative.toNanos();
    if (db.file() != null) {
      seenVersion = db.dataVersion();
      checkedAt = clock.getAsLong();
    } else {
      db.listenForChanges();
    }
    on = true;
  }

  /**
   * The answer under {@code key} (its kind first, e.g. {@code "u alice@example.org"}): remembered when still
   * valid, else read by {@code load} and remembered; {@code negative} tells "nothing found" answers.
   */
  @SuppressWarnings("unchecked")
  <T> T get(String key, Load<T> load, Predicate<T> negative) throws DirectoryException {
    if (!on) {
      return load.load();
    }
    Entry e = entries.get(key);
    if (e != null && clock.getAsLong() - e.expires < 0) {
      freshen(e.negative);
      if (e.generation == db.generation()) {
        hits.increment();
        return (T) e.value;
      }
    }
    long generation = db.generation(); // before the query: a change during it makes the entry stale
    T value = load.load();
    misses.increment();
    boolean neg = negative.test(value);
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    long ttl = neg ? negativeNanos : positiveNanos;
    if (ttl > 0) {
      entries.put(key, new Entry(value, generation, clock.getAsLong() + ttl, neg));
    }
    return value;
  }

  /** On SQLite: whether another connection committed since the last look (always for a negative answer). */
  private void freshen(boolean negative) throws DirectoryException {
    if (db.file() == null) {
      return; // PostgreSQL: NOTIFY tells
    }
    Checked scope = CHECKED.isBound() ? CHECKED.get() : null;
    if (scope != null && scope.cache == this) {
      return; // asked already in this scope
    }
    long now = clock.getAsLong();
    synchronized (this) {
      if (!negative && now - checkedAt < RECHECK.toNanos()) {
        return;
      }
    }
    long version = db.dataVersion();
    synchronized (this) {
      checkedAt = now;
      if (version != seenVersion) {
        seenVersion = version;
        db.changed();
      }
    }
    if (scope != null) {
      scope.cache = this;
    }
  }

  /** The directory's change count as this process knows it (tests). */
  long generation() {
    return db.generation();
  }

  /** Answers given from the cache so far. */
  long hits() {
    return hits.sum();
  }

  /** Answers read from the database while caching was on. */
  long misses() {
    return misses.sum();
  }
}
