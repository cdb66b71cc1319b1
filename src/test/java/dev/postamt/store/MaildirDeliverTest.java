package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Maildir#deliver}: the file lands in {@code new/}, whatever part of the Maildir was missing before. */
class MaildirDeliverTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aMissingMaildirIsMadeByTheFirstDelivery() throws Exception {
    Path maildir = dir.resolve("user/Maildir");
    Path p = Maildir.deliver(maildir, "1.a.host,S=9", bytes("P: 1\r\n"), new ByteArrayInputStream(bytes("abc")));
    assertThat(p).isEqualTo(maildir.resolve("new/1.a.host,S=9"));
    assertThat(Files.readString(p)).isEqualTo("P: 1\r\nabc");
    assertThat(maildir.resolve("cur")).isDirectory();
    try (var tmp = Files.list(maildir.resolve("tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void aMissingNewDirectoryIsMadeAgain() throws Exception {
    Path maildir = dir.resolve("Maildir");
    Maildir.create(maildir);
    Files.delete(maildir.resolve("new"));
    Path p = Maildir.deliver(maildir, "2.b.host,S=3", new byte[0], new ByteArrayInputStream(bytes("abc")));
    assertThat(Files.readString(p)).isEqualTo("abc");
    try (var tmp = Files.list(maildir.resolve("tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void aSecondDeliveryUnderTheSameNameLeavesOneFile() throws Exception {
    Path maildir = dir.resolve("Maildir");
    Maildir.deliver(maildir, "3.c.host,S=3", new byte[0], new ByteArrayInputStream(bytes("abc")));
    Maildir.deliver(maildir, "3.c.host,S=3", new byte[0], new ByteArrayInputStream(bytes("abc")));
    try (var files = Files.list(maildir.resolve("new"))) {
      assertThat(files).hasSize(1);
    }
  }
}
