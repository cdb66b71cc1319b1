package dev.postamt.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** mboxrd writing and reading: quoting levels, flags headers, dates, large messages and long lines. */
class MboxFormatTest {
  private static final long DATE = Instant.parse("2026-03-01T08:09:10Z").toEpochMilli();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] read(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  @Test
  void fromLinesInTheBodyAreQuotedOneLevelDeeperAndComeBackAsTheyWere() throws Exception {
    String msg = "Subject: q\r\n\r\nFrom here\r\n>From there\r\n>>From afar\r\nFromage\r\n> From not\r\n\r\n";
    ByteArrayOutputStream mbox = new ByteArrayOutputStream();
    MboxWriter w = new MboxWriter(mbox);
    w.write(new ByteArrayInputStream(bytes(msg)), Set.of("\\Seen", "\\Flagged", "\\Answered", "$Work"), DATE);
    w.write(new ByteArrayInputStream(bytes("Subject: two\r\n\r\nbody")), Set.of(), DATE + 1000);
    String written = mbox.toString(StandardCharsets.ISO_8859_1);
    assertThat(written).isEqualTo("From MAILER-DAEMON Sun Mar  1 08:09:10 2026\n"
        + "Subject: q\nStatus: RO\nX-Status: AF\nX-Keywords: $Work\n\n>From here\n>>From there\n>>>From afar\nFromage\n> From not\n\n\n"
        + "From MAILER-DAEMON Sun Mar  1 08:09:11 2026\nSubject: two\n\nbody\n\n");

    try (MboxReader r = new MboxReader(new ByteArrayInputStream(mbox.toByteArray()), "test")) {
      MboxReader.Message one = r.next();
      assertThat(read(one.content().open())).isEqualTo(bytes(msg));
      assertThat(one.flags()).containsExactlyInAnyOrder("\\Seen", "\\Flagged", "\\Answered", "$Work");
      assertThat(one.internalDate()).isEqualTo(DATE);
      MboxReader.Message two = r.next();
      assertThat(read(two.content().open())).isEqualTo(bytes("Subject: two\r\n\r\nbody\r\n"));
      assertThat(two.flags()).isEmpty();
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void aMessageLargerThanTheMemoryBufferWithVeryLongLinesIsReadWhole() throws Exception {
    StringBuilder b = new StringBuilder("Subject: big\r\n\r\n");
    String longLine = "x".repeat(200_000);
    for (int i = 0; i < 8; i++) {
      b.append(longLine).append("\r\n").append("From line ").append(i).append("\r\n");
    }
    byte[] msg = bytes(b.toString());
    assertThat(msg.length).isGreaterThan(MessageBuffer.IN_MEMORY);
    ByteArrayOutputStream mbox = new ByteArrayOutputStream();
    new MboxWriter(mbox).write(new ByteArrayInputStream(msg), Set.of(), DATE);
    try (MboxReader r = new MboxReader(new ByteArrayInputStream(mbox.toByteArray()), "test")) {
      MboxReader.Message m = r.next();
      assertThat(m.content().size()).isEqualTo(msg.length);
      assertThat(read(m.content().open())).isEqualTo(msg);
      m.content().close();
      assertThat(r.next()).isNull();
    }
  }

  @Test
  void datesAndFlagsAsOtherProgramsWriteThem() throws Exception {
    String mbox = "From someone@example.org Tue Jan  6 23:59:01 2004\n"
        + "Subject: a\nX-Keywords: NonJunk, $label1\nStatus: O\nX-UID: 7\nContent-Length: 5\n\nhello\n\n"
        + "From x@y  Wed Feb 11 10:00:00 +0100 2015\nStatus: R\nX-Status: DT\n\nbye\n";
    try (MboxReader r = new MboxReader(new ByteArrayInputStream(bytes(mbox)), "test")) {
      MboxReader.Message a = r.next();
      assertThat(a.internalDate()).isEqualTo(Instant.parse("2004-01-06T23:59:01Z").toEpochMilli());
      assertThat(a.flags()).containsExactlyInAnyOrder("NonJunk", "$label1");
      assertThat(read(a.content().open())).isEqualTo(bytes("Subject: a\r\n\r\nhello\r\n"));
      MboxReader.Message b = r.next();
      assertThat(b.internalDate()).isEqualTo(Instant.parse("2015-02-11T09:00:00Z").toEpochMilli());
      assertThat(b.flags()).containsExactlyInAnyOrder("\\Seen", "\\Deleted", "\\Draft");
      assertThat(read(b.content().open())).isEqualTo(bytes("\r\nbye\r\n"));
    }
  }

  @Test
  void aFileThatIsNotAnMboxIsRefusedByName() {
    assertThatThrownBy(() -> new MboxReader(new ByteArrayInputStream(bytes("Subject: x\n\nhi\n")), "notes.txt").next())
        .hasMessageContaining("notes.txt is not an mbox file");
  }
}
