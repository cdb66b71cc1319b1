package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mime.HeaderSection;
import dev.postamt.store.MessageRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SortHeader} reads only the header fields SORT and THREAD need, and must give exactly what a
 * {@link HeaderSection} parse of the same bytes gives (the first field of each name, its value with
 * folds and CRLF line ends): checked on odd shapes one by one and on many random header sections, fed
 * whole and a byte at a time.
 */
class SortHeaderTest {

  /** What HeaderSection makes of {@code message}: the first value of each of SortHeader.NAMES, or null. */
  static String[] viaHeaderSection(byte[] message) {
    HeaderSection h;
    try {
      h = HeaderSection.read(new ByteArrayInputStream(message));
    } catch (HeaderSection.TooLargeException e) {
      return null;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    String[] out = new String[SortHeader.NAMES.length];
    for (int i = 0; i < out.length; i++) {
      for (HeaderSection.Field f : h.fields()) {
        if (f.is(SortHeader.NAMES[i])) {
          out[i] = f.value();
          break;
        }
      }
    }
    return out;
  }

  /** A stream that hands out one byte per read, so that every line end falls between two reads. */
  static InputStream trickle(byte[] b) {
    return new ByteArrayInputStream(b) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        return super.read(buf, off, Math.min(1, len));
      }
    };
  }

  static void assertSame(byte[] message) throws IOException {
    String[] expected = viaHeaderSection(message);
    assertThat(SortHeader.read(new ByteArrayInputStream(message))).isEqualTo(expected);
    assertThat(SortHeader.read(trickle(message))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "Subject: plain\r\nFrom: a@b.test\r\n\r\nbody",
    "subject: lower case name\r\nSUBJECT: the second is ignored\r\n\r\n",
    "Subject: folded\r\n over\r\n\tthree lines\r\nDate: Mon, 1 Mar 2021 10:00:00 +0000\r\n\r\n",
    "Subject: bare LF line ends\nFrom: x@y.test\n\nbody\n",
    "Subject: mixed\r\n fold with LF\n\r\nbody",
    "Subject : space before the colon\r\nTo\t: tab before it\r\n\r\n",
    " Subject: a first line that starts with a space\r\n\r\n",
    "no colon on this line\r\n continued: here\r\nSubject: after it\r\n\r\n",
    "Subject\r\n : colon on the continuation line\r\n\r\n",
    ": empty name\r\nSubject: x\r\n\r\n",
    "Subject: no empty line and no line end at all",
    "Subject: no empty line, a CR at the end\r",
    "Subject: ends\r\n",
    "\r\nSubject: this is the body",
    "\nSubject: this too",
    "Subject: a CR inside\r the line\r\n\r\n",
    "Subject: two CRs at the end\r\r\n\r\n",
    "Subject: =?utf-8?q?encoded?=\r\nMessage-ID: <a@b>\r\nReferences: <x@y>\r\n <z@w>\r\nIn-Reply-To: <z@w>\r\nCc: c@d\r\n\r\n",
    "Subject: empty line with spaces is a field line\r\n   \r\nFrom: still header\r\n\r\n",
    "",
  })
  void givesWhatHeaderSectionGives(String message) throws IOException {
    assertSame(message.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void eightBitBytesPassAsIso88591() throws IOException {
    byte[] m = "Subject: Gr\u00fc\u00dfe \u00ff\r\nFr\u00f6m: not From\r\nFrom: \u00e4@x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    assertSame(m);
    assertThat(SortHeader.read(new ByteArrayInputStream(m))[SortHeader.FROM]).isEqualTo(" \u00e4@x");
  }

  @Test
  void readsNoFurtherThanTheHeaderSectionNeeds() throws IOException {
    byte[] head = "Subject: s\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] message = new byte[head.length + 1_000_000];
    System.arraycopy(head, 0, message, 0, head.length);
    ByteArrayInputStream in = new ByteArrayInputStream(message);
    assertThat(SortHeader.read(in)[SortHeader.SUBJECT]).isEqualTo(" s");
    assertThat(message.length - in.available()).isLessThanOrEqualTo(SortHeader.CHUNK);
  }

  @Test
  void aHeaderSectionBeyondTheLimitGivesNothingAsHeaderSectionDoes() throws IOException {
    StringBuilder b = new StringBuilder("Subject: big\r\n");
    while (b.length() <= HeaderSection.MAX_BYTES) {
      b.append("X-Filler: ").append("y".repeat(200)).append("\r\n");
    }
    byte[] withEnd = (b + "\r\nbody").getBytes(StandardCharsets.US_ASCII);
    byte[] withoutEnd = b.toString().getBytes(StandardCharsets.US_ASCII);
    assertThat(viaHeaderSection(withEnd)).isNull();
    assertThat(SortHeader.read(new ByteArrayInputStream(withEnd))).isNull();
    assertThat(SortHeader.read(new ByteArrayInputStream(withoutEnd))).isNull();
    // just below the limit it is read whole, the wanted field at its very end included
    String near = "X-Filler: " + "z".repeat(HeaderSection.MAX_BYTES - 40) + "\r\nTo: last@x\r\n\r\n";
    assertSame(near.getBytes(StandardCharsets.US_ASCII));
    assertThat(SortHeader.read(new ByteArrayInputStream(near.getBytes(StandardCharsets.US_ASCII)))[SortHeader.TO])
        .isEqualTo(" last@x");
  }

  @Test
  void aBufferKeptFromALongHeaderDoesNotLeakIntoTheNextMessage() throws IOException {
    SortHeader.Buffer buffer = new SortHeader.Buffer();
    String longHead = "X-Long: " + "q".repeat(3 * SortHeader.CHUNK) + "\r\nSubject: long one\r\nCc: c@x\r\n\r\n";
    assertThat(SortHeader.read(new ByteArrayInputStream(longHead.getBytes(StandardCharsets.US_ASCII)), buffer))
        .isEqualTo(viaHeaderSection(longHead.getBytes(StandardCharsets.US_ASCII)));
    byte[] shortOne = "Subject: short".getBytes(StandardCharsets.US_ASCII); // no line end, no Cc
    String[] v = SortHeader.read(new ByteArrayInputStream(shortOne), buffer);
    assertThat(v).isEqualTo(viaHeaderSection(shortOne));
    assertThat(v[SortHeader.CC]).isNull();
  }

  /** Random header sections built from pieces that stress the line and field rules. */
  @Test
  void randomHeaderSectionsAgreeWithHeaderSection() throws IOException {
    Random rnd = new Random(5256);
    String[] names = {"Subject", "subject", "FROM", "To", "cc", "Date", "Message-Id", "References", "in-reply-to",
        "X-Other", "Received", " Subject", "Subject ", "Sub ject", "", "Cc\t"};
    String[] ends = {"\r\n", "\n", "\r\r\n"};
    String[] texts = {"", " ", " plain text", " <a@b> <c@d>", ":", " \u00e9\u00ff", " x\ry", "\t tabbed"};
    for (int n = 0; n < 3000; n++) {
      StringBuilder m = new StringBuilder();
      int fields = rnd.nextInt(12);
      for (int f = 0; f < fields; f++) {
        String name = names[rnd.nextInt(names.length)];
        m.append(name).append(rnd.nextInt(8) == 0 ? "" : ":").append(texts[rnd.nextInt(texts.length)]);
        for (int k = rnd.nextInt(3); k > 0; k--) {
          m.append(ends[rnd.nextInt(ends.length)]).append(rnd.nextBoolean() ? " " : "\t").append(texts[rnd.nextInt(texts.length)]);
        }
        m.append(ends[rnd.nextInt(ends.length)]);
      }
      switch (rnd.nextInt(4)) {
        case 0 -> m.append("\r\nSubject: in the body\r\n");
        case 1 -> m.append("\nbody");
        case 2 -> m.append(rnd.nextBoolean() ? "Subject: cut" : "\r");
        default -> {}
      }
      byte[] bytes = m.toString().getBytes(StandardCharsets.ISO_8859_1);
      String[] expected = viaHeaderSection(bytes);
      assertThat(SortHeader.read(new ByteArrayInputStream(bytes))).as("%s", m).isEqualTo(expected);
      assertThat(SortHeader.read(trickle(bytes))).as("%s", m).isEqualTo(expected);
    }
  }

  /** The SortFields made from SortHeader's values are those made from HeaderSection's (the RFC 5256 keys). */
  @Test
  void sortFieldsOfBothReadsAreEqual() {
    String m = "Date: Tue, 3 Mar 2020 10:00:00 +0100\r\nSubject: Re: [list] =?utf-8?q?=C3=84pfel?= (fwd)\r\n"
        + "From: \"Ann Other\" <Ann@Example.test>\r\nTo: group: b@c, d@e;\r\nCc: <cc@x>\r\nMessage-ID: <m1@x>\r\n"
        + "References: <r1@x>\r\n <r2@x>\r\nIn-Reply-To: <r2@x>\r\n\r\nbody";
    byte[] bytes = m.getBytes(StandardCharsets.ISO_8859_1);
    MessageRecord r = new MessageRecord(7, "base", Set.of(), 1, 1234L, bytes.length);
    SortFields a = SortFields.parse(SortHeader.parse(bytes), r);
    assertThat(a).isEqualTo(SortFields.parse(viaHeaderSection(bytes), r));
    assertThat(a.subject()).isEqualTo(BaseSubject.casemap("\u00c4pfel"));
    assertThat(a.replyOrForward()).isTrue();
    assertThat(a.from()).isEqualTo("ANN");
    assertThat(a.displayFrom()).isEqualTo("ANN OTHER");
    assertThat(a.references()).containsExactly("r1@x", "r2@x");
    assertThat(a.messageId()).isEqualTo("m1@x");
  }
}
