package dev.postamt.collect;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of collection: the remote accounts of each user, and per account the remote messages
 * already delivered ("seen") and those being delivered ("pending", see {@link Collector}). SQLite
 * ({@link SqliteCollectAccounts}, {@code data_dir/collect.db}) or, with {@code [database] url}, PostgreSQL
 * shared by every node ({@link PgCollectAccounts}); the SQL of both is {@link SqlCollectAccounts}'.
 */
public interface CollectAccounts extends AutoCloseable {

  /** The accounts {@code config} names: PostgreSQL when {@code [database] url} is set, else {@code data_dir/collect.db}. */
  static CollectAccounts open(dev.postamt.config.Config config) throws IOException {
    if (config.database().postgres().isEmpty()) {
      return SqliteCollectAccounts.open(config.dataDir());
    }
    try {
      return PgCollectAccounts.open(dev.postamt.postgres.PgDatabase.of(config.database()));
    } catch (dev.postamt.postgres.PgDatabase.Failure e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** One run's hold on an account ({@link #claim}); closing it lets the next run in. */
  interface Claim extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Claims {@code account} for one run, or empty when a run elsewhere holds it. Where only one data directory
   * uses the state (SQLite), {@link Collector}'s lock file already keeps runs apart and the claim holds
   * nothing; PostgreSQL keeps the runs of several nodes apart ({@link PgCollectAccounts#claim}).
   */
  default Optional<Claim> claim(long account) {
    return Optional.of(() -> {});
  }

  /**
   * One remote account.
   *
   * @param password the password sealed by {@link SecretBox}
   * @param keep leave collected messages on the remote server
   * @param insecure accept a certificate that does not verify
   * @param plaintext allow a connection without TLS when the server offers no STARTTLS
   * @param lastRun when the last run ended (successful or not)
   * @param lastError what went wrong in the last run; empty after a good one
   * @param failures failed runs in a row (the back-off grows with them)
   * @param nextAttempt not polled before this
   * @param collected messages delivered from this account so far
   */
  record Account(long id, String owner, RemoteUrl url, String login, byte[] password, boolean keep, boolean insecure,
      boolean plaintext, Instant created, Optional<Instant> lastRun, Optional<String> lastError, int failures,
      Instant nextAttempt, long collected) {}

  /** What {@code collect add} stores; returns the new account's id. */
  long add(String owner, RemoteUrl url, String login, byte[] password, boolean keep, boolean insecure,
      boolean plaintext, Instant now);

  /** The user's accounts, by id. */
  List<Account> list(String owner);

  /** Every account, by id. */
  List<Account> all();

  Optional<Account> get(long id);

  /** Removes the account with its seen and pending messages; false when the user has no such account. */
  boolean remove(String owner, long id);

  /** The remote ids already delivered. */
  Set<String> seen(long account);

  /** The remote ids being delivered, with the time each began (it fixes the delivered bytes). */
  Map<String, Instant> pending(long account);

  /** Records that delivery of {@code remoteId} begins at {@code at} (durable before delivery starts). */
  void begin(long account, String remoteId, Instant at);

  /** In one transaction: {@code remoteId} is seen, no longer pending, and counted. */
  void delivered(long account, String remoteId);

  /** Forgets the seen and pending ids not among {@code onServer} (deleted remotely; kept from growing forever). */
  void forgetAllBut(long account, Collection<String> onServer);

  /** Moves the next attempt (the self-service page's "Collect now"). */
  void schedule(long account, Instant next);

  /** Records the end of a run: the error (null when good), the failures in a row and the next attempt. */
  void finished(long account, Instant at, String error, int failures, Instant next);

  @Override
  void close();
}
