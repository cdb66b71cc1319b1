package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The space reserve without a real full disk: failures are injected. */
class DiskReserveTest {
  static final byte[] MSG = "Subject: r\r\n\r\nbody\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  @TempDir Path data;

  Path file() {
    return data.resolve("mail/.space-reserve");
  }

  @Test
  void anOperationThatRunsOutOfSpaceGetsOneSliceAndRunsAgain() throws IOException {
    DiskReserve r = new DiskReserve(data.resolve("mail"), 8 * 64 * 1024);
    r.ensure();
    assertThat(Files.size(file())).isEqualTo(8 * 64 * 1024);
    AtomicInteger tries = new AtomicInteger();
    String done = r.freeing(() -> {
      if (tries.incrementAndGet() == 1) {
        throw DiskReserve.noSpace(new IOException("No space left on device"));
      }
      return "done";
    });
    assertThat(done).isEqualTo("done");
    assertThat(tries).hasValue(2);
    assertThat(Files.size(file())).isEqualTo(7 * 64 * 1024); // one slice given back, the rest kept
  }

  @Test
  void whenTheReserveIsUsedUpTheFailureStands() throws IOException {
    DiskReserve r = new DiskReserve(data.resolve("mail"), 64 * 1024);
    r.ensure();
    assertThat(r.release()).isTrue();
    assertThat(r.release()).isFalse();
    assertThatThrownBy(() -> r.freeing(() -> {
      throw DiskReserve.noSpace(new IOException("No space left on device"));
    })).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.NOSPACE));
  }

  @Test
  void otherFailuresAreNotRetried() {
    DiskReserve r = new DiskReserve(data.resolve("mail"), 64 * 1024);
    r.ensure();
    AtomicInteger tries = new AtomicInteger();
    assertThatThrownBy(() -> r.freeing(() -> {
      tries.incrementAndGet();
      throw new StoreException(StoreException.Kind.SERVERBUG, "boom");
    })).isInstanceOf(StoreException.class);
    assertThat(tries).hasValue(1);
  }

  @Test
  void noSpaceIsRecognisedFromTheKernelAndFromSqlite() {
    assertThat(DiskReserve.isNoSpace(new IOException("No space left on device"))).isTrue();
    assertThat(DiskReserve.isNoSpace(new RuntimeException(new java.sql.SQLException(
        "[SQLITE_FULL] Insertion failed because database is full (database or disk is full)")))).isTrue();
    assertThat(DiskReserve.isNoSpace(new IOException("Permission denied"))).isFalse();
  }

  /** Adding mail never eats into the reserve: APPEND on a full disk is refused and the reserve stays. */
  @Test
  void appendOnAFullDiskIsRefusedWithoutTouchingTheReserve() throws IOException {
    try (MailStore s = new SqliteMailStore(data, Quota.Policy.NONE, 64 * 1024, StoreTesting::fullDisk);
        Account a = s.open("dave@example.test")) {
      assertThatThrownBy(() -> a.append("INBOX", new ByteArrayInputStream(MSG), MSG.length, Set.of(), 1))
          .isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.kind()).isEqualTo(StoreException.Kind.NOSPACE);
            assertThat(e.getMessage()).isEqualTo("Not enough disk space");
          });
      assertThat(Files.size(file())).isEqualTo(64 * 1024);
      assertThat(a.messages(a.mailbox("INBOX").orElseThrow().id())).isEmpty();
    }
  }
}
