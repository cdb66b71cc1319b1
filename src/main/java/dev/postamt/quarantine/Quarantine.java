package dev.postamt.quarantine;

import dev.postamt.config.Config;
import dev.postamt.postgres.PgDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Messages held instead of delivered (a virus found, a forbidden attachment, a spam score over {@code
 * spam.quarantine}), with the envelope they came with, so that {@code postamt quarantine release} can
 * send them on to their original recipients. Each is of a {@link Kind}; entries older than {@code
 * quarantine.retention} are deleted ({@link #expire}). The one owner of this state; {@link
 * SqliteQuarantine} keeps it under {@code data_dir/quarantine}, {@link PgQuarantine} its index in PostgreSQL
 * ({@link #open}).
 */
public interface Quarantine {
  /** Why a message is held, in the words {@code quarantine list} shows and the database stores. */
  enum Kind {
    VIRUS,
    ATTACHMENT,
    SPAM;

    /** {@code virus}, {@code attachment}, {@code spam}. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The kind of a stored word; an unknown one (written by a newer version) reads as {@code VIRUS}, never fails. */
    public static Kind of(String word) {
      for (Kind k : values()) {
        if (k.word().equals(word)) {
          return k;
        }
      }
      return VIRUS;
    }
  }

  /**
   * One held message.
   *
   * @param id the queue id the message was received under (letters and digits)
   * @param reason why it is held, one line ({@code virus Eicar-Signature in part 2 "a.zip"})
   * @param body the envelope's BODY ({@code 7BIT}, {@code 8BITMIME})
   * @param size bytes of the stored message (set by {@link #store})
   * @param kind what the content verdict found
   */
  record Entry(
      String id,
      Instant held,
      String sender,
      List<String> recipients,
      String reason,
      String subject,
      String clientIp,
      String body,
      boolean smtpUtf8,
      long size,
      Kind kind) {
    public Entry {
      if (!validId(id)) {
        throw new IllegalArgumentException("not a quarantine id: " + id);
      }
      recipients = List.copyOf(recipients);
      kind = kind == null ? Kind.VIRUS : kind;
    }

    /** An entry held for a virus (what every entry was before kinds existed). */
    public Entry(String id, Instant held, String sender, List<String> recipients, String reason, String subject,
        String clientIp, String body, boolean smtpUtf8, long size) {
      this(id, held, sender, recipients, reason, subject, clientIp, body, smtpUtf8, size, Kind.VIRUS);
    }

    public Entry withKind(Kind k) {
      return new Entry(id, held, sender, recipients, reason, subject, clientIp, body, smtpUtf8, size, k);
    }

    Entry withSize(long n) {
      return new Entry(id, held, sender, recipients, reason, subject, clientIp, body, smtpUtf8, n, kind);
    }
  }

  /** Ids are queue ids: letters and digits only, so they are safe as file names. */
  static boolean validId(String id) {
    return id != null && id.matches("[A-Za-z0-9]{1,64}");
  }

  /**
   * Stores a message; it is on stable storage when this returns. Storing an id that is already held
   * fails.
   *
   * @return the entry with its size
   */
  Entry store(Entry entry, InputStream message) throws IOException;

  /** {@link #store(Entry, InputStream)} with the entry's kind set to {@code kind} (for the spam check). */
  default Entry store(Kind kind, Entry entry, InputStream message) throws IOException {
    return store(entry.withKind(kind), message);
  }

  /**
   * Deletes every entry held before {@code cutoff}, row and message file, and message files no row
   * names that are older than it (left by a crash between the two writes of {@link #store}).
   *
   * @return the number of entries deleted
   */
  int expire(Instant cutoff) throws IOException;

  /** Everything held, oldest first. */
  List<Entry> list() throws IOException;

  Optional<Entry> find(String id) throws IOException;

  /** The held message's bytes; {@link java.nio.file.NoSuchFileException} when not held. */
  InputStream open(String id) throws IOException;

  /** Forgets a held message; false when it was not held. */
  boolean delete(String id) throws IOException;

  /** The quarantine of a data directory, on SQLite. */
  static Quarantine of(Path dataDir) throws IOException {
    return new SqliteQuarantine(dataDir.resolve("quarantine"));
  }

  /**
   * The quarantine {@code config} names: its index in PostgreSQL when {@code [database] url} is set ({@link
   * PgQuarantine}), else in {@code data_dir/quarantine/quarantine.db}; the message files under {@code
   * data_dir/quarantine/messages} either way.
   */
  static Quarantine open(Config config) throws IOException {
    if (config.database().postgres().isEmpty()) {
      return of(config.dataDir());
    }
    try {
      return PgQuarantine.open(PgDatabase.of(config.database()), config.dataDir().resolve("quarantine"));
    } catch (PgDatabase.Failure e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
