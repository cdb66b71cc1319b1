package dev.postamt.jmap;

import dev.postamt.config.Config;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.store.StoreException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JMAP objects that are not mail (Identity settings, EmailSubmissions, SieveScript ids) and the thread
 * of each Message-ID: SQLite at {@code data_dir/jmap.db} ({@link SqliteJmapRecords}) or PostgreSQL shared by
 * every node ({@link PgJmapRecords}); the SQL of both is {@link SqlJmapRecords}'. Objects are JSON per (user,
 * type, id) with the per-user, per-type counter that was current when they were created and last changed; a
 * destroyed object stays as a tombstone so that {@code /changes} (RFC 8620 §5.2) can report it. A database
 * fault is a {@link StoreException} ({@code serverFail} for that call alone).
 */
public interface JmapRecords extends AutoCloseable {

  /** One stored object. */
  record Stored(String id, Map<String, Object> json) {}

  /** What changed after a counter value. */
  record Changes(List<String> created, List<String> updated, List<String> destroyed, long now) {}

  /** The records {@code config} names: PostgreSQL when {@code [database] url} is set, else {@code data_dir/jmap.db}. */
  static JmapRecords open(Config config) throws IOException {
    if (config.database().postgres().isEmpty()) {
      return SqliteJmapRecords.open(config.dataDir());
    }
    try {
      return PgJmapRecords.open(PgDatabase.of(config.database()));
    } catch (PgDatabase.Failure e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The counter of {@code type} for the user: the state string of that type is this number. */
  long state(String user, String type);

  /** The objects of a type that exist, in creation order. */
  List<Stored> list(String user, String type);

  Optional<Stored> get(String user, String type, String id);

  /** Creates or replaces an object; returns the new counter. */
  long put(String user, String type, String id, Map<String, Object> json);

  /** Marks an object destroyed; false when there was none. */
  boolean destroy(String user, String type, String id);

  /** What changed after counter value {@code since}; a thing created and destroyed since is left out. */
  Changes changes(String user, String type, long since);

  /** The thread ids already known for any of {@code messageIds}. */
  Map<String, String> threadsOf(String user, List<String> messageIds);

  /** Records that {@code messageIds} belong to {@code threadId} (ids already recorded keep theirs). */
  void joinThread(String user, List<String> messageIds, String threadId);

  @Override
  void close();
}
