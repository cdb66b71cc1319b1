package dev.postamt.filter.checksum;

import dev.postamt.config.Config;
import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The signatures of messages learned as spam ({@link FuzzyHash}), found by their band keys. Errors are
 * {@link IOException}s naming the file or the database.
 */
public interface ChecksumStore extends AutoCloseable {
  /**
   * The store {@code config} names: PostgreSQL when {@code [database] url} is set ({@link PgChecksumStore}),
   * else {@code data_dir/checksums.db} ({@link SqliteChecksumStore}).
   */
  static ChecksumStore open(Config config) throws IOException {
    if (config.database().postgres().isEmpty()) {
      return SqliteChecksumStore.open(config.dataDir());
    }
    try {
      return PgChecksumStore.open(PgDatabase.of(config.database()));
    } catch (PgDatabase.Failure e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** A stored signature and when it was learned. */
  record Entry(long[] signature, Instant added) {}

  /** Stores a signature with its band keys; false when that exact signature is already there. */
  boolean add(long[] signature, long[] bands, Instant now) throws IOException;

  /** Removes that exact signature; false when it was not there. */
  boolean remove(long[] signature) throws IOException;

  /** The stored signatures sharing at least one band key with {@code bands}, at most {@code limit}. */
  List<Entry> candidates(long[] bands, int limit) throws IOException;

  /** How many signatures are stored. */
  long count() throws IOException;

  /**
   * Whether no signature is stored, asked by every scan before it hashes the message's text: with
   * nothing stored no candidate can come back, so the signature would not change the verdict. Must be
   * cheap; false when the store cannot tell cheaply (the scan then hashes and looks up as before).
   */
  default boolean empty() throws IOException {
    return false;
  }

  @Override
  void close();
}
