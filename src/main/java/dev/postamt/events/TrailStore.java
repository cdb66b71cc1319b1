package dev.postamt.events;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Where the trail is kept: {@link SqliteTrailStore} ({@code data_dir/trail.db}) or, with {@code [database]
 * url}, {@link PgTrailStore} (one trail written by every node). {@link Trace} does the following of links
 * over these lookups; nothing here knows about messages beyond the columns.
 */
public interface TrailStore extends AutoCloseable {

  /** The trail {@code config} names: PostgreSQL when {@code [database] url} is set, else {@code data_dir/trail.db}. */
  static TrailStore open(dev.postamt.config.Config config) throws Failure {
    if (config.database().postgres().isEmpty()) {
      return SqliteTrailStore.open(config.dataDir());
    }
    try {
      return PgTrailStore.open(dev.postamt.postgres.PgDatabase.of(config.database()));
    } catch (dev.postamt.postgres.PgDatabase.Failure e) {
      throw new Failure(e.getMessage(), e);
    }
  }

  /**
   * Whether {@code config} has a trail to read at all (a reader then need not create an empty one to say
   * "nothing"); a PostgreSQL trail always has.
   */
  static boolean exists(dev.postamt.config.Config config) {
    return config.database().postgres().isPresent() || SqliteTrailStore.exists(config.dataDir());
  }
  /** A message or session a lookup found: either part may be null. */
  record Link(String session, String queueId) {}

  /** Thrown when the store cannot be read or written. */
  final class Failure extends Exception {
    public Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Appends rows in one transaction. */
  void append(List<TrailRecord> records) throws Failure;

  /** The links of rows whose queue id, or Message-ID, equals {@code key}, since {@code since}. */
  Set<Link> linksOfId(String key, Instant since) throws Failure;

  /** The links of rows naming {@code address} as sender or recipient (case-insensitive), since {@code since}. */
  Set<Link> linksOfAddress(String address, Instant since) throws Failure;

  /**
   * The most recent links with an address in one of {@code domains} (every domain when null), newest
   * first, at most {@code limit}.
   */
  List<Link> recent(Collection<String> domains, Instant since, int limit) throws Failure;

  /** The rows with one of these queue ids or sessions, in time order. */
  List<TrailRecord> rows(Collection<String> queueIds, Collection<String> sessions, Instant since) throws Failure;

  /** Deletes the rows older than {@code cutoff}; how many. */
  int deleteBefore(Instant cutoff) throws Failure;

  @Override
  void close();
}
