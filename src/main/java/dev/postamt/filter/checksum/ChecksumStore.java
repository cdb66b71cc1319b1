package dev.postamt.filter.checksum;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The signatures of messages learned as spam ({@link FuzzyHash}), found by their band keys. Errors are
 * {@link IOException}s naming the file.
 */
public interface ChecksumStore extends AutoCloseable {
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

  @Override
  void close();
}
