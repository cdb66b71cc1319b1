package dev.postamt.sieve.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Each user's Sieve scripts (RFC 5804 §1.1: named scripts, at most one active) and the last error a
 * delivery met running them. The one owner of this state: ManageSieve, the CLI, delivery and (later) JMAP
 * go through these methods; an SQLite implementation is the default, PostgreSQL comes with scale-out.
 * Names are validated by the implementation (RFC 5804 §1.6); scripts are stored as given (UTF-8 text),
 * compiling them is the caller's job. Addresses are canonical user addresses (lower case).
 */
public interface SieveScripts extends AutoCloseable {
  /**
   * The scripts {@code config} names: PostgreSQL when {@code [database] url} is set, else
   * {@code data_dir/sieve.db}; limits from {@code [sieve]}.
   */
  static SieveScripts open(dev.postamt.config.Config config) throws SieveStoreException {
    Limits limits = Limits.of(config.sieve());
    return config.database().postgres().isPresent()
        ? PgSieveScripts.open(dev.postamt.postgres.PgDatabase.of(config.database()), limits)
        : SqliteSieveScripts.open(config.dataDir(), limits);
  }

  /** One stored script. */
  record Script(String name, String text, boolean active, Instant modified) {}

  /**
   * What {@link #put} enforces per user (Pigeonhole: {@code sieve_quota_max_scripts}, {@code
   * sieve_max_script_size}); a limit of 0 means unlimited.
   *
   * @param maxScripts scripts one user may keep
   * @param maxScriptBytes size of one script's text in UTF-8 bytes
   */
  record Limits(int maxScripts, long maxScriptBytes) {
    /** 20 scripts of at most 1 MiB each. */
    public static final Limits DEFAULTS = new Limits(20, 1 << 20);

    /** The limits {@code [sieve] max_scripts} and {@code max_script_size} set. */
    public static Limits of(dev.postamt.config.Sieve sieve) {
      return new Limits(sieve.maxScripts(), sieve.maxScriptSize());
    }

    public Limits {
      if (maxScripts < 0 || maxScriptBytes < 0) {
        throw new IllegalArgumentException("sieve script limits must not be negative");
      }
    }

    /** Whether a script of {@code bytes} is too large. */
    public boolean tooLarge(long bytes) {
      return maxScriptBytes > 0 && bytes > maxScriptBytes;
    }

    /** Whether a user who has {@code count} scripts may not add one more. */
    public boolean full(int count) {
      return maxScripts > 0 && count >= maxScripts;
    }
  }

  /** What went wrong the last time delivery ran a user's scripts, for {@code sieve list} and the log. */
  record LastError(Instant when, String script, String message) {}

  /** The user's scripts, by name, without their text (text is empty). */
  List<Script> list(String user) throws SieveStoreException;

  Optional<Script> get(String user, String name) throws SieveStoreException;

  /** The active script, if the user has one. */
  Optional<Script> active(String user) throws SieveStoreException;

  /**
   * Stores (creating or replacing) a script. Refused with {@link SieveStoreException.Kind#QUOTA} when the
   * user would have more than {@code maxScripts} scripts or the text is over {@code maxBytes}.
   */
  void put(String user, String name, String text) throws SieveStoreException;

  /** Makes {@code name} the active script, or none when {@code name} is null (RFC 5804 §2.8). */
  void activate(String user, String name) throws SieveStoreException;

  /** Deletes a script; refused with {@link SieveStoreException.Kind#ACTIVE} for the active one. */
  void delete(String user, String name) throws SieveStoreException;

  /** Renames a script (keeping it active if it was); refused when {@code to} exists. */
  void rename(String user, String from, String to) throws SieveStoreException;

  /** Records (or with null {@code error} clears) the last run error of the user's scripts. */
  void recordError(String user, LastError error) throws SieveStoreException;

  Optional<LastError> lastError(String user) throws SieveStoreException;

  /** Changes each time any of the user's scripts or the active one change (compiled-script caches). */
  long version(String user) throws SieveStoreException;

  /**
   * The limits {@link #put} enforces, so that a protocol can tell which one a refusal hit (ManageSieve's
   * {@code QUOTA/MAXSIZE} and {@code QUOTA/MAXSCRIPTS}, RFC 5804 §1.3) and answer HAVESPACE.
   */
  default Limits limits() {
    return Limits.DEFAULTS;
  }

  @Override
  void close();
}
