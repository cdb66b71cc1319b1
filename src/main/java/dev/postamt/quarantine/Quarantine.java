package dev.postamt.quarantine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Messages held instead of delivered (a virus found, later a spam score over {@code spam.quarantine}),
 * with the envelope they came with, so that {@code postamt quarantine release} can send them on to
 * their original recipients. The one owner of this state; {@link SqliteQuarantine} keeps it under
 * {@code data_dir/quarantine}.
 */
public interface Quarantine {
  /**
   * One held message.
   *
   * @param id the queue id the message was received under (letters and digits)
   * @param reason why it is held, one line ({@code virus Eicar-Signature in part 2 "a.zip"})
   * @param body the envelope's BODY ({@code 7BIT}, {@code 8BITMIME})
   * @param size bytes of the stored message (set by {@link #store})
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
      long size) {
    public Entry {
      if (!validId(id)) {
        throw new IllegalArgumentException("not a quarantine id: " + id);
      }
      recipients = List.copyOf(recipients);
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

  /** Everything held, oldest first. */
  List<Entry> list() throws IOException;

  Optional<Entry> find(String id) throws IOException;

  /** The held message's bytes; {@link java.nio.file.NoSuchFileException} when not held. */
  InputStream open(String id) throws IOException;

  /** Forgets a held message; false when it was not held. */
  boolean delete(String id) throws IOException;

  /** The quarantine of a data directory. */
  static Quarantine of(Path dataDir) throws IOException {
    return new SqliteQuarantine(dataDir.resolve("quarantine"));
  }
}
