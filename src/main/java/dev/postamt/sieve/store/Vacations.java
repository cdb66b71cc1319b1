package dev.postamt.sieve.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Each user's vacation auto-reply: the one owner of that state, shared by JMAP {@code VacationResponse}
 * (RFC 8621 §8), the self-service page of the web console and delivery (which answers with it as Sieve
 * {@code vacation} would, RFC 5230, before the user's own scripts run). An SQLite implementation is the
 * default; PostgreSQL comes with scale-out. Addresses are canonical user addresses (lower case).
 */
public interface Vacations extends AutoCloseable {
  /**
   * The vacation replies {@code config} names: PostgreSQL when {@code [database] url} is set, else
   * {@code data_dir/vacation-responses.db}.
   */
  static Vacations open(dev.postamt.config.Config config) throws SieveStoreException {
    return config.database().postgres().isPresent()
        ? PgVacations.open(dev.postamt.postgres.PgDatabase.of(config.database()))
        : SqliteVacations.open(config.dataDir());
  }

  /**
   * One user's settings (the JMAP object's properties).
   *
   * @param fromDate null: from now on
   * @param toDate null: until switched off
   * @param subject null: the server's default ("Auto: " and the subject answered)
   * @param textBody null when there is only an HTML body
   * @param htmlBody null when there is only a text body
   */
  record Vacation(boolean enabled, Instant fromDate, Instant toDate, String subject, String textBody, String htmlBody) {
    /** What a user who never set anything has. */
    public static final Vacation OFF = new Vacation(false, null, null, null, null, null);

    /** Whether it answers mail arriving at {@code now}. */
    public boolean activeAt(Instant now) {
      Objects.requireNonNull(now);
      return enabled && (fromDate == null || !now.isBefore(fromDate)) && (toDate == null || now.isBefore(toDate));
    }
  }

  /** The user's settings; {@link Vacation#OFF} when never set. */
  Vacation get(String user) throws SieveStoreException;

  /** Replaces the user's settings. */
  void set(String user, Vacation vacation) throws SieveStoreException;

  @Override
  void close();
}
