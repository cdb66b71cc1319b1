package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgPools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL blob store ({@code [store] blobs = "postgresql"}) against the blob contract (a throwaway
 * cluster; skipped when PostgreSQL cannot start), plus what only it does: large messages read in slices.
 */
class PgBlobStoreTest implements BlobStoreContract {
  private final PgPools pools = new PgPools();
  private PgDatabase db;

  @Override
  public BlobStore newBlobStore(Path dir) {
    db = pools.fresh();
    PgBlobStore.migrate(db);
    return new PgBlobStore(db, "carol@example.test");
  }

  @AfterEach
  void close() {
    pools.close();
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  @Test
  void largeMessagesAreReadInSlicesAnywhere(@TempDir Path dir) throws IOException {
    BlobStore b = newBlobStore(dir);
    byte[] big = random(3 * PgBlobStore.SLICE + 1234);
    String key = b.put(INBOX, new ByteArrayInputStream(big), big.length, Set.of(), 0);
    try (MessageContent c = b.open(INBOX, key, Set.of()).orElseThrow()) {
      assertThat(c.size()).isEqualTo(big.length);
      long at = 2L * PgBlobStore.SLICE - 10; // across a slice boundary
      assertThat(c.read(at, 20)).isEqualTo(java.util.Arrays.copyOfRange(big, (int) at, (int) at + 20));
      assertThat(c.read(big.length - 5, 100)).isEqualTo(java.util.Arrays.copyOfRange(big, big.length - 5, big.length));
      try (InputStream in = c.stream()) {
        assertThat(in.readAllBytes()).isEqualTo(big);
      }
    }
    String copy = b.copy(INBOX, key, Set.of(), big.length, ARCHIVE);
    try (MessageContent c = b.open(ARCHIVE, copy, Set.of()).orElseThrow()) {
      assertThat(c.readAllBytes()).isEqualTo(big);
    }
  }

  /** The stated limit: a large message expunged while it is read fails the read, it does not give wrong bytes. */
  @Test
  void aLargeMessageExpungedWhileReadFailsTheRestOfTheRead(@TempDir Path dir) throws IOException {
    BlobStore b = newBlobStore(dir);
    byte[] big = random(2 * PgBlobStore.SLICE + 1);
    String key = b.put(INBOX, new ByteArrayInputStream(big), big.length, Set.of(), 0);
    try (MessageContent c = b.open(INBOX, key, Set.of()).orElseThrow()) {
      assertThat(c.read(0, 10)).isEqualTo(java.util.Arrays.copyOf(big, 10));
      b.delete(INBOX, List.of(new MessageRecord(1, key, Set.of(), 1, 0, big.length)));
      assertThatThrownBy(() -> c.read(PgBlobStore.SLICE + 5, 10)).isInstanceOf(IOException.class)
          .hasMessageContaining("expunged");
    }
  }

  @Test
  void aStreamLongerThanAnnouncedIsRefusedAndNothingStays(@TempDir Path dir) throws IOException {
    BlobStore b = newBlobStore(dir);
    assertThatThrownBy(() -> b.put(INBOX, new ByteArrayInputStream(BLOB), BLOB.length - 1, Set.of(), 0))
        .isInstanceOf(IOException.class);
    PgBlobStore pg = (PgBlobStore) b;
    String key = pg.put(INBOX, new ByteArrayInputStream(BLOB), BLOB.length, Set.of(), 0);
    assertThat(pg.has(INBOX.id(), key)).isTrue();
    assertThat(pg.has(INBOX.id(), "no-such-key")).isFalse();
  }

  @Test
  void keysAreUniqueAndShapedLikeMaildirBaseNames() {
    String a = PgBlobStore.newKey(42);
    String b = PgBlobStore.newKey(42);
    assertThat(a).isNotEqualTo(b).endsWith(",S=42").doesNotContain("/").doesNotContain(":");
    assertThat(MaildirBlobStore.sizeOf(a)).isEqualTo(42);
  }
}
