package dev.postamt.policy;

import java.time.Instant;
import java.util.Optional;

/**
 * The greylisting state: triplets (client network, sender, recipient) with when they were first and
 * last seen and whether a retry passed, and per client network the number of triplets that passed (for
 * auto-whitelisting). Keys are opaque strings made by {@link Greylisting}. One implementation per
 * backend ({@link SqliteGreylistStore} today); every method may throw {@link Failure}.
 */
public interface GreylistStore extends AutoCloseable {
  /** A triplet's state. */
  record Entry(Instant firstSeen, Instant lastSeen, boolean passed) {}

  /**
   * What one RCPT needs, read at once.
   *
   * @param triplet the triplet, if known
   * @param clientPasses how many triplets of the client network passed so far
   */
  record Lookup(Optional<Entry> triplet, int clientPasses) {}

  /**
   * The greylist {@code config} names: PostgreSQL when {@code [database] url} is set, else
   * {@code data_dir/greylist.db}.
   */
  static GreylistStore open(dev.postamt.config.Config config) {
    if (config.database().postgres().isEmpty()) {
      return SqliteGreylistStore.open(config.dataDir());
    }
    try {
      return PgGreylistStore.open(dev.postamt.postgres.PgDatabase.of(config.database()));
    } catch (dev.postamt.postgres.PgDatabase.Failure e) {
      throw new Failure(e.getMessage(), e);
    }
  }

  /** A read-only view of the greylist {@code config} names; empty when SQLite has no file yet. */
  static java.util.Optional<GreylistStore> openReadOnly(dev.postamt.config.Config config) {
    if (config.database().postgres().isEmpty()) {
      return SqliteGreylistStore.openReadOnly(config.dataDir()).map(s -> s);
    }
    try {
      return java.util.Optional.of(PgGreylistStore.openReadOnly(dev.postamt.postgres.PgDatabase.of(config.database())));
    } catch (dev.postamt.postgres.PgDatabase.Failure e) {
      throw new Failure(e.getMessage(), e);
    }
  }

  Lookup lookup(String triplet, String client);

  /** Records a first attempt, or starts a triplet over: first and last seen now, not passed. */
  void start(String triplet, Instant now);

  /** Records another attempt still inside the delay. */
  void touch(String triplet, Instant now);

  /**
   * Records a passing attempt. The first time a triplet passes, its client network's count goes up by
   * one; returns whether this was that first time.
   */
  boolean pass(String triplet, String client, Instant now);

  /** Records that an auto-whitelisted client network was seen, so that expiry keeps it. */
  void seenClient(String client, Instant now);

  /** Forgets triplets and client networks last seen before {@code unusedSince}; returns how many. */
  int purge(Instant unusedSince);

  /** A triplet as the admin console lists it: its key ({@code network/sender/recipient}) and state. */
  record Triplet(String key, Entry entry) {}

  /** The triplets last seen most recently, at most {@code limit}; a backend that cannot list gives none. */
  default java.util.List<Triplet> list(int limit) {
    return java.util.List.of();
  }

  /** Forgets one triplet (its next attempt is greylisted afresh); false when it was not known. */
  default boolean remove(String triplet) {
    return false;
  }

  @Override
  void close();

  /** The store cannot answer (I/O error, full disk, locked database): the caller defers. */
  final class Failure extends RuntimeException {
    public Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
