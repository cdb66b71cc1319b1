package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link BlobStore} must do. A backend's test implements this interface and says how to
 * make an empty blob store; see {@link MaildirBlobStoreTest}. Mailboxes are given as the index would
 * give them: a rename keeps the id and changes the name.
 */
public interface BlobStoreContract {
  byte[] BLOB = "Subject: blob\r\n\r\nsome bytes\r\n".getBytes(StandardCharsets.US_ASCII);
  MailboxInfo INBOX = box(1, MailboxNames.INBOX);
  MailboxInfo ARCHIVE = box(2, "Archive");

  /** A new, empty blob store in {@code dir}, with INBOX ready. */
  BlobStore newBlobStore(Path dir) throws IOException;

  /** A mailbox as the index would hand it out. */
  static MailboxInfo box(long id, String name) {
    return new MailboxInfo(id, name, 1, 1, 1, Optional.empty(), 1);
  }

  private static String put(BlobStore b, MailboxInfo box, byte[] data, Set<String> flags) throws IOException {
    return b.put(box, new ByteArrayInputStream(data), data.length, flags, 1_700_000_000_000L);
  }

  private static byte[] read(BlobStore b, MailboxInfo box, String key, Set<String> flags) throws IOException {
    try (MessageContent c = b.open(box, key, flags).orElseThrow(); InputStream in = c.stream()) {
      return in.readAllBytes();
    }
  }

  private static MessageRecord record(String key, Set<String> flags, long size) {
    return new MessageRecord(1, key, flags, 1, 0, size);
  }

  @Test
  default void putThenOpenGivesTheSameBytesAndRanges(@TempDir Path dir) throws IOException {
    BlobStore b = newBlobStore(dir);
    String key = put(b, INBOX, BLOB, Set.of());
    assertThat(read(b, INBOX, key, Set.of())).isEqualTo(BLOB);
    try (MessageContent c = b.open(INBOX, key, Set.of()).orElseThrow()) {
      assertThat(c.size()).isEqualTo(BLOB.length);
      assertThat(c.read(9, 4)).isEqualTo("blob".getBytes(StandardCharsets.US_ASCII));
      assertThat(c.readAllBytes()).isEqualTo(BLOB);
    }
    assertThat(put(b, INBOX, BLOB, Set.of())).isNotEqualTo(key); // every put is a new blob
    assertThat(b.open(INBOX, "no-such-key", Set.of())).isEmpty();
  }

  @Test
  default void putRefusesAStreamOfAnotherSize(@TempDir Path dir) throws IOException {
    BlobStore b = newBlobStore(dir);
    assertThatThrownBy(() -> b.put(INBOX, new ByteArrayInputStream(BLOB), BLOB.length + 1, Set.of(), 0))
        .isInstanceOf(IOException.class);
  }

  @Test
  default void copiesOutliveTheOriginal(@TempDir Path dir) throws IOException {
    BlobStore b = newBlobStore(dir);
    b.createMailbox("Archive");
    String key = put(b, INBOX, BLOB, Set.of("\\Seen"));
    String copy = b.copy(INBOX, key, Set.of("\\Seen"), BLOB.length, ARCHIVE);
    b.delete(INBOX, List.of(record(key, Set.of("\\Seen"), BLOB.length)));
    assertThat(b.open(INBOX, key, Set.of("\\Seen"))).isEmpty();
    assertThat(read(b, ARCHIVE, copy, Set.of("\\Seen"))).isEqualTo(BLOB);
    assertThat(b.copy(INBOX, key, Set.of(), BLOB.length, ARCHIVE)).isNull(); // gone: nothing to copy
    b.delete(INBOX, List.of(record(key, Set.of(), BLOB.length))); // deleting twice is fine
  }

  @Test
  default void anOpenContentStaysReadableAfterDelete(@TempDir Path dir) throws IOException {
    BlobStore b = newBlobStore(dir);
    String key = put(b, INBOX, BLOB, Set.of());
    try (MessageContent c = b.open(INBOX, key, Set.of()).orElseThrow()) {
      b.delete(INBOX, List.of(record(key, Set.of(), BLOB.length)));
      try (InputStream in = c.stream()) {
        assertThat(in.readAllBytes()).isEqualTo(BLOB);
      }
    }
  }

  @Test
  default void flagChangesKeepTheBlobReadable(@TempDir Path dir) throws IOException {
    BlobStore b = newBlobStore(dir);
    String key = put(b, INBOX, BLOB, Set.of());
    b.flagsChanged(INBOX, key, Set.of(), Set.of("\\Seen", "\\Flagged"));
    assertThat(read(b, INBOX, key, Set.of("\\Seen", "\\Flagged"))).isEqualTo(BLOB);
    assertThat(read(b, INBOX, key, Set.of())).isEqualTo(BLOB); // a stale flag set still finds it
  }

  @Test
  default void mailboxesAreRenamedAndDeletedWithTheirBlobs(@TempDir Path dir) throws IOException {
    BlobStore b = newBlobStore(dir);
    b.createMailbox("A");
    b.createMailbox("A"); // idempotent
    MailboxInfo a = box(3, "A");
    String key = put(b, a, BLOB, Set.of());
    b.renameMailbox("A", "B");
    MailboxInfo renamed = box(3, "B"); // the index keeps the id
    assertThat(read(b, renamed, key, Set.of())).isEqualTo(BLOB);
    b.deleteMailbox(renamed);
    assertThat(b.open(renamed, key, Set.of())).isEmpty();
  }

  @Test
  default void blobsOfOneMailboxAreNotFoundInAnother(@TempDir Path dir) throws IOException {
    BlobStore b = newBlobStore(dir);
    b.createMailbox("Archive");
    String key = put(b, INBOX, BLOB, Set.of());
    assertThat(b.open(ARCHIVE, key, Set.of())).isEmpty();
    b.deleteMailbox(ARCHIVE);
    assertThat(read(b, INBOX, key, Set.of())).isEqualTo(BLOB);
  }
}
