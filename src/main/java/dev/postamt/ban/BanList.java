package dev.postamt.ban;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The stored bans, one row per client network ({@code 192.0.2.1}, {@code 2001:db8:1:2::/64}, or a block
 * an administrator banned, {@code 198.51.100.0/24}). Rows outlive their ban so that the next ban of the
 * same network can last longer; {@link #forgetEndedBefore} drops old ones. Implementations are safe for
 * use by several threads; {@link Bans} keeps the copy that is read at every connection.
 */
public interface BanList extends AutoCloseable {

  /**
   * One ban.
   *
   * @param network the key as {@link Bans#normalise} writes it
   * @param until when it ends; empty for a permanent ban
   * @param count how many bans this network has had in a row (1 for the first)
   */
  record Entry(String network, Instant since, Optional<Instant> until, String reason, int count) {
    /** Whether the ban holds at {@code now}. */
    public boolean activeAt(Instant now) {
      return until.isEmpty() || until.get().isAfter(now);
    }
  }

  /**
   * The ban list {@code config} names: PostgreSQL when {@code [database] url} is set, else
   * {@code data_dir/bans.db}.
   */
  static BanList open(dev.postamt.config.Config config) {
    if (config.database().postgres().isEmpty()) {
      return SqliteBanList.open(config.dataDir());
    }
    try {
      return PgBanList.open(dev.postamt.postgres.PgDatabase.of(config.database()));
    } catch (dev.postamt.postgres.PgDatabase.Failure e) {
      throw new Failure(e.getMessage(), e);
    }
  }

  /**
   * Calls {@code reload} when another process sharing this list may have changed it (PostgreSQL: another
   * node; see {@link PgBanList}). The SQLite file has no such signal: the CLI tells the server over its
   * control socket.
   */
  default void onChange(Runnable reload) {}

  /** Every row, ended or not. */
  List<Entry> all();

  /** Adds or replaces the row of {@code e.network()}. */
  void put(Entry e);

  /** Removes the row of {@code network}; whether there was one. */
  boolean remove(String network);

  /** Removes the rows of bans that ended before {@code cutoff} (never permanent ones); how many. */
  int forgetEndedBefore(Instant cutoff);

  @Override
  void close();

  /** The state could not be read or written; the message names the file. */
  final class Failure extends RuntimeException {
    public Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
