package dev.postamt.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link Quarantine} backend must do; each backend's test implements {@link #quarantine}. */
interface QuarantineContract {
  /** A new, empty quarantine. */
  Quarantine quarantine() throws IOException;

  /** The same store as {@code q}, opened again (as another process would). */
  Quarantine reopen(Quarantine q) throws IOException;

  static Quarantine.Entry entry(String id, long heldMillis) {
    return new Quarantine.Entry(id, Instant.ofEpochMilli(heldMillis), "s@example.org", List.of("a@example.test", "b@example.test"),
        "virus Test.Eicar in message", "Sübject", "192.0.2.1", "8BITMIME", true, 0);
  }

  static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  default void storedMessagesAreListedOldestFirstWithTheirEnvelope() throws IOException {
    Quarantine q = quarantine();
    Quarantine.Entry stored = q.store(entry("B2", 2000), bytes("Subject: two\r\n\r\nbody\r\n"));
    q.store(entry("A1", 1000), bytes("Subject: one\r\n\r\n"));
    assertThat(stored.size()).isEqualTo(22);
    List<Quarantine.Entry> list = reopen(q).list();
    assertThat(list).extracting(Quarantine.Entry::id).containsExactly("A1", "B2");
    assertThat(list.get(1)).isEqualTo(stored);
    assertThat(list.get(1).recipients()).containsExactly("a@example.test", "b@example.test");
    assertThat(list.get(1).subject()).isEqualTo("Sübject");
    assertThat(list.get(1).smtpUtf8()).isTrue();
  }

  @Test
  default void theMessageBytesComeBackUnchanged() throws IOException {
    Quarantine q = quarantine();
    byte[] data = new byte[300_000];
    new java.util.Random(1).nextBytes(data);
    q.store(entry("BIN1", 1), new ByteArrayInputStream(data));
    try (InputStream in = q.open("BIN1")) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(q.find("BIN1")).get().extracting(Quarantine.Entry::size).isEqualTo(300_000L);
  }

  @Test
  default void deleteForgetsAndIsFalseTheSecondTime() throws IOException {
    Quarantine q = quarantine();
    q.store(entry("D1", 1), bytes("x"));
    assertThat(q.delete("D1")).isTrue();
    assertThat(q.delete("D1")).isFalse();
    assertThat(q.find("D1")).isEmpty();
    assertThat(q.list()).isEmpty();
    assertThatThrownBy(() -> q.open("D1")).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  default void anIdIsHeldOnceAndOnlyPlainIdsAreAccepted() throws IOException {
    Quarantine q = quarantine();
    q.store(entry("SAME", 1), bytes("first"));
    assertThatThrownBy(() -> q.store(entry("SAME", 2), bytes("second"))).isInstanceOf(IOException.class);
    try (InputStream in = q.open("SAME")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("first");
    }
    assertThat(q.find("../etc/passwd")).isEmpty();
    assertThat(q.delete("../x")).isFalse();
    assertThatThrownBy(() -> entry("a/b", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  default void eachEntryKeepsItsKindAndTheOldStoreMeansVirus() throws IOException {
    Quarantine q = quarantine();
    q.store(entry("V1", 1), bytes("v"));
    q.store(Quarantine.Kind.SPAM, entry("S1", 2), bytes("s"));
    q.store(entry("A1", 3).withKind(Quarantine.Kind.ATTACHMENT), bytes("a"));
    assertThat(reopen(q).list()).extracting(Quarantine.Entry::kind)
        .containsExactly(Quarantine.Kind.VIRUS, Quarantine.Kind.SPAM, Quarantine.Kind.ATTACHMENT);
  }

  @Test
  default void expireDeletesWhatWasHeldBeforeTheCutoffWithItsFile() throws IOException {
    Quarantine q = quarantine();
    q.store(entry("OLD1", 1_000), bytes("old"));
    q.store(entry("OLD2", 2_000), bytes("old"));
    q.store(entry("NEW1", 10_000), bytes("new"));
    assertThat(q.expire(Instant.ofEpochMilli(5_000))).isEqualTo(2);
    assertThat(q.list()).extracting(Quarantine.Entry::id).containsExactly("NEW1");
    assertThatThrownBy(() -> q.open("OLD1")).isInstanceOf(NoSuchFileException.class);
    try (InputStream in = q.open("NEW1")) {
      assertThat(in.readAllBytes()).isEqualTo("new".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(q.expire(Instant.ofEpochMilli(5_000))).isZero();
  }
}
