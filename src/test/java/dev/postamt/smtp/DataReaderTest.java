package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DATA reading: dot-unstuffing, the only valid end marker, bare CR/LF detection, size limit. */
class DataReaderTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // wire (\\r \\n escaped)                 | message                    | bare  | rest after end
        "a\\r\\n.\\r\\n                           | a\\r\\n                    | false | ''",
        ".\\r\\n                                  | ''                         | false | ''",
        "..x\\r\\n.\\r\\nQUIT\\r\\n               | .x\\r\\n                   | false | QUIT\\r\\n",
        "...\\r\\n.\\r\\n                         | ..\\r\\n                    | false | ''",
        "a\\n.\\nb\\r\\n.\\r\\n                   | a\\n.\\nb\\r\\n             | true  | ''",
        "a\\r\\n.\\nb\\r\\n.\\r\\n                | a\\r\\n\\nb\\r\\n            | true  | ''",
        "a\\r.\\rb\\r\\n.\\r\\n                   | a\\r.\\rb\\r\\n             | true  | ''",
        "a\\r\\n.\\rb\\r\\n.\\r\\n                | a\\r\\n\\rb\\r\\n            | true  | ''",
        "x\\r\\r\\n.\\r\\n                        | x\\r\\r\\n                  | true  | ''",
      })
  void table(String wire, String message, boolean bare, String rest) throws Exception {
    // a byte at a time from a plain stream; in blocks of every size from one that takes bytes back
    for (int block = 0; block <= wire.length(); block++) {
      InputStream in = block == 0 ? new ByteArrayInputStream(unescape(wire)) : new Blocks(unescape(wire), block);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      DataReader.Result r = DataReader.read(in, out, 1000);
      assertThat(out.toString(StandardCharsets.ISO_8859_1)).as("blocks of %d", block)
          .isEqualTo(new String(unescape(message), StandardCharsets.ISO_8859_1));
      assertThat(r.bareLineEnding()).isEqualTo(bare);
      assertThat(r.tooBig()).isFalse();
      assertThat(r.size()).isEqualTo(unescape(message).length);
      assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).as("blocks of %d", block)
          .isEqualTo(new String(unescape(rest), StandardCharsets.ISO_8859_1));
    }
  }

  /** Random data of CR, LF, dots and letters: blocks of random sizes give what single bytes give. */
  @org.junit.jupiter.api.Test
  void blocksReadAsSingleBytes() throws Exception {
    java.util.Random random = new java.util.Random(42);
    byte[] alphabet = {'\r', '\n', '.', 'a', 0};
    for (int round = 0; round < 3000; round++) {
      byte[] data = new byte[random.nextInt(60)];
      for (int i = 0; i < data.length; i++) {
        data[i] = alphabet[random.nextInt(alphabet.length)];
      }
      byte[] wire = java.util.Arrays.copyOf(data, data.length + 11);
      System.arraycopy(unescape("\\r\\n.\\r\\nQUIT\\r\\n"), 0, wire, data.length, 11);
      long max = random.nextInt(70);
      ByteArrayOutputStream one = new ByteArrayOutputStream();
      InputStream plain = new ByteArrayInputStream(wire);
      DataReader.Result expected = DataReader.read(plain, one, max);
      byte[] rest = plain.readAllBytes();
      ByteArrayOutputStream many = new ByteArrayOutputStream();
      Blocks blocks = new Blocks(wire, 1 + random.nextInt(20));
      assertThat(DataReader.read(blocks, many, max)).isEqualTo(expected);
      assertThat(many.toByteArray()).isEqualTo(one.toByteArray());
      assertThat(blocks.readAllBytes()).isEqualTo(rest);
    }
  }

  /**
   * A session reads each of its messages into the one array it keeps ({@link DataReader#block}): messages
   * sent back to back in one write (pipelined), where the first read takes the start of the next, come out
   * whole and apart.
   */
  @org.junit.jupiter.api.Test
  void messagesBackToBackShareTheSessionsArray() throws Exception {
    java.util.Random random = new java.util.Random(8);
    byte[] kept = DataReader.block();
    for (int round = 0; round < 200; round++) {
      java.util.List<String> messages = new java.util.ArrayList<>();
      StringBuilder wire = new StringBuilder();
      for (int k = 0; k < 3; k++) {
        String body = "Subject: " + round + "/" + k + "\r\n\r\n" + "x".repeat(random.nextInt(40_000)) + "\r\n";
        messages.add(body);
        wire.append(body).append(".\r\n");
      }
      Blocks in = new Blocks(wire.toString().getBytes(StandardCharsets.ISO_8859_1), 1 + random.nextInt(70_000));
      for (String m : messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataReader.read(in, out, 1_000_000, kept);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(m);
      }
      assertThat(in.readAllBytes()).isEmpty();
    }
  }

  /** Returns at most {@code block} bytes per read and takes back what it just returned, as the connection does. */
  private static final class Blocks extends ByteArrayInputStream implements dev.postamt.net.Unread {
    private final int block;
    private int last;

    Blocks(byte[] b, int block) {
      super(b);
      this.block = block;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      last = super.read(b, off, Math.min(len, block));
      return last;
    }

    @Override
    public void unread(byte[] b, int off, int len) {
      assertThat(len).isLessThanOrEqualTo(last);
      assertThat(java.util.Arrays.equals(b, off, off + len, buf, pos - len, pos)).isTrue();
      pos -= len;
      last = 0;
    }
  }

  @ParameterizedTest
  @CsvSource({"9,false", "8,true"})
  void sizeLimitCountsUnstuffedBytes(long max, boolean tooBig) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // ".abcdef\r\n" is 9 bytes after unstuffing
    DataReader.Result r = DataReader.read(new ByteArrayInputStream(unescape("..abcdef\\r\\n.\\r\\n")), out, max);
    assertThat(r.size()).isEqualTo(9);
    assertThat(r.tooBig()).isEqualTo(tooBig);
    assertThat(out.size()).isLessThanOrEqualTo((int) max);
  }

  @ParameterizedTest
  @CsvSource({"abc", "abc\\r\\n.", "abc\\r\\n.\\r"})
  void endOfStreamBeforeTheEndMarkerIsAnError(String wire) {
    assertThatThrownBy(() -> DataReader.read(new ByteArrayInputStream(unescape(wire)), new ByteArrayOutputStream(), 100))
        .isInstanceOf(EOFException.class);
  }

  static byte[] unescape(String s) {
    return s.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
  }
}
